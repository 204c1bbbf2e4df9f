// Timestamps as GitHub writes them: RFC 3339, UTC, to the second.
import { expect, test } from "bun:test";
import fc from "fast-check";
import { isoSeconds } from "../../src/api/time.ts";

test("milliseconds are dropped, not rounded; null stays null", () => {
  expect(isoSeconds(0)).toBe("1970-01-01T00:00:00Z");
  expect(isoSeconds(Date.UTC(2024, 4, 1, 10, 0, 59, 999))).toBe("2024-05-01T10:00:59Z");
  expect(isoSeconds(-1)).toBe("1969-12-31T23:59:59Z");
  expect(isoSeconds(null)).toBeNull();
});

test("years outside 0000-9999 keep their extended form", () => {
  expect(isoSeconds(Date.UTC(10000, 0, 1, 0, 0, 0, 500))).toBe("+010000-01-01T00:00:00Z");
  expect(isoSeconds(Date.UTC(-1, 0, 1))).toBe("-000001-01-01T00:00:00Z");
});

test("the same text as toISOString, to the second, across every range a Date holds", () => {
  const reference = (ms: number) => {
    const iso = new Date(ms).toISOString();
    return iso.length === 24 ? `${iso.slice(0, 19)}Z` : iso.replace(/\.\d{3}Z$/, "Z");
  };
  fc.assert(fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => isoSeconds(ms) === reference(ms)), { numRuns: 20_000 });
  fc.assert(fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }), (ms) => isoSeconds(ms) === reference(ms)), { numRuns: 20_000 });
  fc.assert(fc.property(fc.double({ min: -1e7, max: 1e7, noNaN: true }), (ms) => isoSeconds(ms) === reference(ms)), { numRuns: 20_000 });
  for (const ms of [-8.64e15, 8.64e15, -1, -999, -1000, -1001, 86_399_999, 86_400_000]) expect(isoSeconds(ms)).toBe(reference(ms));
  expect(() => isoSeconds(8.64e15 + 1000)).toThrow(RangeError);
  expect(() => isoSeconds(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  expect(() => isoSeconds(Number.NaN)).toThrow(RangeError);
});
