// One JSON object per line on stdout. Callers pass facts, never secrets: tokens and
// passwords are redacted before they get here (see redactUrl).

export type LogFields = Record<string, unknown>;
export type Log = (event: string, fields?: LogFields) => void;

export function jsonLog(write: (line: string) => void = (l) => process.stdout.write(l + "\n")): Log {
  return (event, fields = {}) => write(JSON.stringify({ time: new Date().toISOString(), event, ...fields }));
}

/** A connection URL with its password (and any token-looking query value) replaced. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = "***";
    for (const key of [...url.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) url.searchParams.set(key, "***");
    }
    return url.href;
  } catch {
    return "<unparseable url>";
  }
}
