import { builtin } from "../builtins.ts";

/**
 * The forge stores only this: lowercase hex SHA-256 of the raw token string. crypto.hash is the
 * one-shot form (Node 21.7+, Bun, Deno): no hasher object per request.
 */
export function hashToken(raw: string): string {
  return builtin("node:crypto").hash("sha256", raw, "hex");
}

/**
 * The raw token from an Authorization header: `token <t>` (what gh sends) or `Bearer <t>`.
 * Returns null for no credentials at all (gh 2.23 sends an empty header when it has none)
 * and undefined for a header that is present but not a token we understand.
 */
export function tokenFromAuthorization(header: string | null): string | null | undefined {
  if (header === null) return null;
  const value = header.trim();
  if (value === "") return null;
  const match = /^(?:token|bearer)\s+(\S+)$/i.exec(value);
  return match ? match[1] : undefined;
}
