/** RFC 3339 in UTC to the second, as GitHub writes timestamps; null stays null. */
export function isoSeconds(ms: number | null): string | null {
  if (ms === null) return null;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
