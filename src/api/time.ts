/** RFC 3339 in UTC to the second, as GitHub writes timestamps; null stays null. */
export function isoSeconds(ms: number | null): string | null {
  if (ms === null) return null;
  const iso = new Date(ms).toISOString();
  // YYYY-MM-DDTHH:mm:ss.sssZ, but for years before 0 or after 9999 (±YYYYYY-…).
  return iso.length === 24 ? `${iso.slice(0, 19)}Z` : iso.replace(/\.\d{3}Z$/, "Z");
}
