// Prometheus' text exposition format (version 0.0.4), written by hand: a family is a
// `# HELP` and `# TYPE` line followed by its samples.

export const expositionContentType = "text/plain; version=0.0.4; charset=utf-8";

export type Labels = Record<string, string>;

export class Exposition {
  private text = "";
  /** Labels every sample carries first (`serve --workers`: the worker's number), rendered once. */
  private readonly common: string;

  constructor(common?: Labels) {
    this.common = common ? renderLabels(common).slice(1, -1) : "";
  }

  family(name: string, type: "counter" | "gauge" | "histogram", help: string): this {
    this.text += `# HELP ${name} ${help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}\n# TYPE ${name} ${type}\n`;
    return this;
  }

  sample(name: string, value: number, labels?: Labels): this {
    const own = labels ? renderLabels(labels) : "";
    const all = this.common === "" ? own : own === "" ? `{${this.common}}` : `{${this.common},${own.slice(1)}`;
    this.text += `${name}${all} ${formatValue(value)}\n`;
    return this;
  }

  toString(): string {
    return this.text;
  }
}

function renderLabels(labels: Labels): string {
  let out = "";
  for (const key in labels) {
    out += `${out === "" ? "" : ","}${key}="${escapeLabelValue(labels[key]!)}"`;
  }
  return out === "" ? "" : `{${out}}`;
}

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

/**
 * Several processes' expositions as one (`serve --workers`: whichever worker is asked answers
 * for all of them, each sample carrying its worker label): every family once, with the HELP
 * and TYPE lines of the first text that has them, then its samples from each text in the
 * order given. Families keep the order in which they first appear.
 */
export function mergeExpositions(texts: readonly string[]): string {
  const families = new Map<string, { help?: string; type?: string; samples: string[] }>();
  const loose: string[] = [];
  for (const text of texts) {
    let family: { help?: string; type?: string; samples: string[] } | null = null;
    for (const line of text.split("\n")) {
      if (line === "") continue;
      const comment = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (comment) {
        const name = comment[2]!;
        family = families.get(name) ?? null;
        if (family === null) families.set(name, (family = { samples: [] }));
        if (comment[1] === "HELP") family.help ??= line;
        else family.type ??= line;
        continue;
      }
      (family?.samples ?? loose).push(line);
    }
  }
  const lines = [...loose];
  for (const { help, type, samples } of families.values()) {
    if (help !== undefined) lines.push(help);
    if (type !== undefined) lines.push(type);
    lines.push(...samples);
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
