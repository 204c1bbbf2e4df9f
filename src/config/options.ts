// A small, strict argument parser: every flag is declared with its type and environment
// variable, an unknown or malformed flag is a one-line error, and flags beat environment.

export type OptionType = "string" | "integer" | "boolean";

export interface OptionSpec {
  type: OptionType;
  env?: string;
  description: string;
  placeholder?: string;
  default?: string | number | boolean;
  /** What happens without the flag, in words, where there is no default value (e.g. "no sync"). */
  unset?: string;
  /** Inclusive bounds for integers. */
  min?: number;
  max?: number;
}

export interface CommandSpec {
  name: string;
  summary: string;
  options: Record<string, OptionSpec>;
}

export class UsageError extends Error {}

export type ParsedOptions = Record<string, string | number | boolean | undefined>;

function convert(flag: string, spec: OptionSpec, raw: string, from: string): string | number | boolean {
  if (spec.type === "string") {
    if (raw === "") throw new UsageError(`${from} needs a value`);
    return raw;
  }
  if (spec.type === "boolean") {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)?$/i.test(raw)) return false;
    throw new UsageError(`${from} must be true or false, not '${raw}'`);
  }
  if (!/^-?[0-9]+$/.test(raw)) throw new UsageError(`${from} must be a whole number, not '${raw}'`);
  const n = Number(raw);
  if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max) || !Number.isSafeInteger(n)) {
    throw new UsageError(`${from} must be from ${spec.min ?? "-∞"} to ${spec.max ?? "∞"}, not ${raw}`);
  }
  void flag;
  return n;
}

export function parseOptions(spec: CommandSpec, argv: readonly string[], env: Record<string, string | undefined>): ParsedOptions {
  const out: ParsedOptions = {};
  for (const [name, opt] of Object.entries(spec.options)) {
    const fromEnv = opt.env ? env[opt.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== "") out[name] = convert(name, opt, fromEnv, opt.env!);
    else if (opt.default !== undefined) out[name] = opt.default;
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument '${arg}' (see '${spec.name} --help')`);
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const opt = spec.options[name];
    if (!opt) throw new UsageError(`unknown option --${name} for '${spec.name}' (see '${spec.name} --help')`);
    let raw: string;
    if (eq !== -1) raw = arg.slice(eq + 1);
    else if (opt.type === "boolean") raw = "true";
    else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) throw new UsageError(`--${name} needs a value`);
      raw = next;
      i++;
    }
    out[name] = convert(name, opt, raw, `--${name}`);
  }
  return out;
}

export function usage(program: string, spec: CommandSpec): string {
  const lines = [`Usage: ${program} ${spec.name} [options]`, "", spec.summary, "", "Options:"];
  for (const [name, opt] of Object.entries(spec.options)) {
    const flag = `--${name}${opt.type === "boolean" ? "" : ` ${opt.placeholder ?? opt.type.toUpperCase()}`}`;
    const env = opt.env ? ` [env ${opt.env}]` : "";
    const def = opt.default !== undefined && opt.default !== false ? ` (default ${opt.default})` : opt.unset ? ` (default: ${opt.unset.replaceAll("`", "")})` : "";
    lines.push(`  ${flag.padEnd(28)} ${opt.description}${def}${env}`);
  }
  return lines.join("\n");
}

/** The command's flags as a Markdown table (flag, variable, default, meaning): the README's, kept equal by a test. */
export function optionsTable(spec: CommandSpec): string {
  const rows = ["| flag | variable | default | meaning |", "|---|---|---|---|"];
  for (const [name, opt] of Object.entries(spec.options)) {
    if (name === "help") continue;
    const def = opt.default !== undefined ? `\`${opt.default}\`` : (opt.unset ?? "—");
    rows.push(`| \`--${name}\` | ${opt.env ? `\`${opt.env}\`` : "—"} | ${def} | ${opt.description} |`);
  }
  return rows.join("\n");
}
