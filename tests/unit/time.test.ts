// Timestamps as GitHub writes them: RFC 3339, UTC, to the second.
import { expect, test } from "bun:test";
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
