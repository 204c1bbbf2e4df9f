// The lookups' cache (src/store/versioned-cache.ts): bounded in bytes, whatever its values weigh.
import { describe, expect, test } from "bun:test";
import { VersionedCache } from "../../src/store/versioned-cache.ts";

describe("VersionedCache", () => {
  test("values of varying size are counted at their own size, and the oldest go first to keep within the budget", () => {
    const cache = new VersionedCache<Float64Array>(64 * 1024, (v) => v.byteLength);
    let computed = 0;
    const get = (key: string, length: number, version = 1) => cache.get(key, version, () => (computed++, new Float64Array(length)));
    get("small", 10);
    get("large", 400);
    const { bytes } = cache.size;
    // Each counted at its key (two bytes a character), its own bytes and the entry's 96.
    expect(bytes).toBe((5 * 2 + 10 * 8 + 96) + (5 * 2 + 400 * 8 + 96));
    // Filled past the budget: the oldest are dropped, and the budget holds.
    for (let i = 0; i < 40; i++) get(`k${i}`, 200);
    expect(cache.size.bytes).toBeLessThanOrEqual(64 * 1024);
    const before = computed;
    get("small", 10);
    expect(computed).toBe(before + 1);
    // What is kept is asked again without computing; a new version computes it afresh.
    get("k39", 200);
    expect(computed).toBe(before + 1);
    get("k39", 200, 2);
    expect(computed).toBe(before + 2);
    expect(cache.size.entries).toBe(1);
  });

  test("a value weighing more than a sixteenth of the budget is computed every time", () => {
    const cache = new VersionedCache<Float64Array>(16 * 1024, (v) => v.byteLength);
    let computed = 0;
    for (let i = 0; i < 3; i++) cache.get("big", 1, () => (computed++, new Float64Array(200)));
    expect(computed).toBe(3);
    expect(cache.size.entries).toBe(0);
  });
});
