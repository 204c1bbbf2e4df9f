// GitHub's date search syntax for `created`: each form, each precision, offsets (including
// a "+" that URL decoding turned into a space), and what is not the syntax.
import { describe, expect, test } from "bun:test";
import { parseCreated } from "../../src/api/github/created.ts";

const t = (iso: string) => Date.parse(iso);
const DAY = 86_400_000;

describe("created", () => {
  test("a date is that whole day, in UTC", () => {
    expect(parseCreated("2024-05-01")).toEqual({
      createdFrom: t("2024-05-01T00:00:00Z"), createdFromInclusive: true,
      createdTo: t("2024-05-02T00:00:00Z"), createdToInclusive: false,
    });
  });

  test("comparisons take the bound's span into account", () => {
    expect(parseCreated(">=2024-05-01")).toEqual({ createdFrom: t("2024-05-01T00:00:00Z"), createdFromInclusive: true });
    expect(parseCreated(">2024-05-01")).toEqual({ createdFrom: t("2024-05-02T00:00:00Z"), createdFromInclusive: true });
    expect(parseCreated("<2024-05-01")).toEqual({ createdTo: t("2024-05-01T00:00:00Z"), createdToInclusive: false });
    expect(parseCreated("<=2024-05-01")).toEqual({ createdTo: t("2024-05-02T00:00:00Z"), createdToInclusive: false });
    expect(parseCreated(">2024-05-01T10:00:00Z")).toEqual({ createdFrom: t("2024-05-01T10:00:01Z"), createdFromInclusive: true });
    expect(parseCreated("<=2024-05-01T10:00Z")).toEqual({ createdTo: t("2024-05-01T10:01:00Z"), createdToInclusive: false });
  });

  test("ranges, open at either end", () => {
    expect(parseCreated("2024-05-01..2024-05-31")).toEqual({
      createdFrom: t("2024-05-01T00:00:00Z"), createdFromInclusive: true,
      createdTo: t("2024-05-31T00:00:00Z") + DAY, createdToInclusive: false,
    });
    expect(parseCreated("*..2024-05-31")).toEqual({ createdTo: t("2024-06-01T00:00:00Z"), createdToInclusive: false });
    expect(parseCreated("2024-05-01T08:30:00+02:00..*")).toEqual({ createdFrom: t("2024-05-01T06:30:00Z"), createdFromInclusive: true });
    expect(parseCreated("*..*")).toEqual({});
  });

  test("offsets: +hh:mm, -hhmm, and a + that arrived as a space", () => {
    const utc = t("2024-05-01T08:00:00Z");
    expect(parseCreated(">=2024-05-01T10:00:00+02:00")?.createdFrom).toBe(utc);
    expect(parseCreated(">=2024-05-01T10:00:00 02:00")?.createdFrom).toBe(utc);
    expect(parseCreated(">=2024-05-01T06:00:00-0200")?.createdFrom).toBe(utc);
    expect(parseCreated(">=2024-05-01T08:00:00.250Z")?.createdFrom).toBe(utc + 250);
  });

  for (const bad of [
    "", "yesterday", "2024-5-1", "2024-02-30", "2024-13-01", "2024-05-01T24:00:00Z", "2024-05-01T10:60Z",
    ">>2024-05-01", "2024-05-01..", "..2024-05-01", "2024-05-01...2024-05-02", "2024-05-01T10", "2024-05-01 10:00:00Z",
    "2024-05-01T10:00:00+25:00", "=2024-05-01",
  ]) {
    test(`not the syntax: ${JSON.stringify(bad)}`, () => {
      expect(parseCreated(bad)).toBeNull();
    });
  }
});
