// A driver's error message can quote the connection string; none of it reaches a log line
// with the password in it.
import { redactUrl } from "../observability/redact.ts";

export function redactSecrets(message: string, url: string): string {
  let out = message.replaceAll(url, redactUrl(url));
  let password = "";
  try {
    password = new URL(url).password;
  } catch { /* not a URL: nothing to find */ }
  for (const secret of new Set([password, safeDecode(password)])) {
    if (secret.length > 0) out = out.replaceAll(secret, "***");
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
