// Secrets kept out of log lines: a connection URL is logged with its password (and any
// token-looking query value) masked.

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
