// What a worker of `serve --workers N` is started with, besides the supervisor's environment
// (src/runtime/bun/workers.ts): the memory its collector paces itself by.
import { describe, expect, test } from "bun:test";
import { heapGrowthWithAnswers, workerEnvironment } from "../../src/runtime/bun/workers.ts";

const mib = 1024 ** 2;
const gib = 1024 ** 3;

describe("a worker's environment", () => {
  test("its share of the machine's memory, at most 2 GiB plus sixteen times its answers' budget", () => {
    const sized = (memory: number, workers: number, budget: number) =>
      workerEnvironment({ PATH: "/bin" }, { responseCacheBytes: budget, workers }, memory).BUN_JSC_forceRAMSize;
    expect(sized(24 * gib, 2, 128 * mib)).toBe(String(4 * gib));
    expect(sized(24 * gib, 2, 2048 * mib)).toBe(String(12 * gib));
    expect(sized(3 * gib, 4, 128 * mib)).toBe(String(0.75 * gib));
    expect(sized(24 * gib, 2, 0)).toBe(String(2 * gib));
  });

  test("the rest of the environment as given, and a figure set there already kept", () => {
    const given = { PATH: "/bin", ACTIONS_RUNS_WORKER: "1" };
    expect(workerEnvironment(given, { responseCacheBytes: 0, workers: 2 }, 8 * gib)).toEqual({ ...given, BUN_JSC_forceRAMSize: String(2 * gib) });
    const operator = { ...given, BUN_JSC_forceRAMSize: "123456789", BUN_JSC_smallHeapGrowthFactor: "2" };
    expect(workerEnvironment(operator, { responseCacheBytes: 128 * mib, workers: 2 }, 8 * gib)).toEqual(operator);
  });

  test("a heap that holds remembered answers grows by half before its next collection; one that does not, as JavaScriptCore chooses", () => {
    const growth = (budget: number) => workerEnvironment({}, { responseCacheBytes: budget, workers: 2 }, 8 * gib).BUN_JSC_smallHeapGrowthFactor;
    expect(growth(128 * mib)).toBe(heapGrowthWithAnswers);
    expect(Number(heapGrowthWithAnswers)).toBeLessThan(2);
    expect(growth(1 * mib)).toBe(heapGrowthWithAnswers);
    expect(growth(0)).toBeUndefined();
  });
});
