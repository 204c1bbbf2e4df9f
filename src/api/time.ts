/** Milliseconds in a UTC day (no leap seconds in ECMAScript time). */
const dayMs = 86_400_000;
const twoDigits = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
/** "YYYY-MM-DDT" of a day number, as toISOString writes it; bounded, emptied when full. */
const dayPrefixes = new Map<number, string>();
const maxDays = 4096;
const maxTime = 8.64e15;

function dayPrefix(day: number): string {
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    // Throws for a time no Date can hold, as toISOString does.
    const iso = new Date(day * dayMs).toISOString();
    prefix = iso.slice(0, iso.indexOf("T") + 1);
    if (dayPrefixes.size >= maxDays) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  return prefix;
}

/**
 * RFC 3339 in UTC to the second, as GitHub writes timestamps; null stays null. The date is
 * written by toISOString once per day seen (years before 0 or after 9999 in its ±YYYYYY form),
 * the time of day by arithmetic: a runs page writes a hundred and more of these.
 */
export function isoSeconds(time: number | null): string | null {
  if (time === null) return null;
  // As Date takes a time: truncated to the millisecond, and only within ±8.64e15.
  const ms = Math.trunc(time);
  if (!(ms >= -maxTime && ms <= maxTime)) throw new RangeError(`Invalid time value: ${time}`);
  const day = Math.floor(ms / dayMs);
  const seconds = Math.floor((ms - day * dayMs) / 1000);
  const minutes = Math.floor(seconds / 60);
  return `${dayPrefix(day)}${twoDigits[Math.floor(minutes / 60)]}:${twoDigits[minutes % 60]}:${twoDigits[seconds % 60]}Z`;
}
