// GitHub's search syntax for dates, as its `created` parameter takes it: `2024-05-01`,
// `>=…`, `>…`, `<=…`, `<…`, `a..b`, `*..b`, `a..*`, each bound a date or a date-time with
// `Z` or an offset. A bound stands for the span its precision names (a day, a minute, a
// second), so `2024-05-01` is that whole day and `>2024-05-01` starts on May 2nd.
import type { RunFilter } from "../../store/index.ts";

export type CreatedRange = Pick<RunFilter, "createdFrom" | "createdFromInclusive" | "createdTo" | "createdToInclusive">;

interface Span { start: number; end: number }

const minute = 60_000;
const day = 24 * 60 * minute;

// A space where the offset's sign belongs is a `+` that URL decoding turned into a space.
const boundPattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+\- ]\d{2}:?\d{2})?)?$/;

function span(text: string): Span | null {
  const m = boundPattern.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  const year = Number(y), month = Number(mo), date = Number(d);
  const base = Date.UTC(year, month - 1, date);
  const check = new Date(base);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) return null;
  if (h === undefined) return { start: base, end: base + day };

  const hours = Number(h), minutes = Number(mi), seconds = s === undefined ? 0 : Number(s);
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  let offset = 0;
  if (zone !== undefined && zone !== "Z") {
    const digits = zone.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2)), om = Number(digits.slice(2));
    if (oh > 23 || om > 59) return null;
    offset = (zone[0] === "-" ? -1 : 1) * (oh * 60 + om) * minute;
  }
  const ms = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  const start = base + hours * 3_600_000 + minutes * minute + seconds * 1000 + ms - offset;
  const length = fraction !== undefined ? 1 : s !== undefined ? 1000 : minute;
  return { start, end: start + length };
}

/** The range a `created` value names, or null when it is not in GitHub's date syntax. */
export function parseCreated(raw: string): CreatedRange | null {
  const value = raw.trim();
  const range = /^(.+?)\.\.(.+)$/.exec(value);
  if (range) {
    const [, a, b] = range as unknown as [string, string, string];
    const from = a === "*" ? null : span(a);
    const to = b === "*" ? null : span(b);
    if ((a !== "*" && !from) || (b !== "*" && !to)) return null;
    return {
      ...(from && { createdFrom: from.start, createdFromInclusive: true }),
      ...(to && { createdTo: to.end, createdToInclusive: false }),
    };
  }
  const op = /^(>=|<=|>|<)?(.*)$/.exec(value)!;
  const bound = span(op[2]!);
  if (!bound) return null;
  switch (op[1]) {
    case ">=": return { createdFrom: bound.start, createdFromInclusive: true };
    case ">": return { createdFrom: bound.end, createdFromInclusive: true };
    case "<=": return { createdTo: bound.end, createdToInclusive: false };
    case "<": return { createdTo: bound.start, createdToInclusive: false };
    default: return { createdFrom: bound.start, createdFromInclusive: true, createdTo: bound.end, createdToInclusive: false };
  }
}
