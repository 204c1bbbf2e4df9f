// The sync's runtime-neutral parts: watermark arithmetic, PostgreSQL → SQLite values (from the
// driver's values and from binary COPY), the progress kept in sync_state, one log line per state change, and what the seed sends to COPY.
import { describe, expect, test } from "bun:test";
import { copyText } from "../../src/seed/postgres.ts";
import { AppliedRecently } from "../../src/sync/applied.ts";
import { BinaryCopyDecoder } from "../../src/sync/copy-binary.ts";
import { progressEntries, progressFromEntries } from "../../src/sync/copy.ts";
import type { SyncProgress } from "../../src/sync/copy.ts";
import { retryDelay } from "../../src/sync/backoff.ts";
import { redactSecrets } from "../../src/sync/redact.ts";
import { keyFromJson, pgType, rowConverter } from "../../src/sync/rows.ts";
import { tableQueries } from "../../src/sync/source-queries.ts";
import { SyncStatusTracker } from "../../src/sync/status.ts";
import { copiedTable, copiedTables } from "../../src/sync/tables.ts";
import { advance, beforeAnything, maxHistory, timestamptzText, windowAfter } from "../../src/sync/watermarks.ts";
import type { PollMark } from "../../src/sync/watermarks.ts";

const mark = (nextXid: number, clockUs: number, seq: number): PollMark => ({ nextXid, clockUs, seq });

describe("change window", () => {
  test("starts at the oldest mark, minus the margin", () => {
    expect(windowAfter([mark(10, 5_000_000, 7), mark(12, 6_000_000, 9)], 1_000_000)).toEqual({ fromUs: 4_000_000, afterSeq: 7 });
    expect(windowAfter([beforeAnything], 1_000_000)).toEqual({ fromUs: null, afterSeq: 0 });
    expect(windowAfter([], 0)).toEqual({ fromUs: null, afterSeq: 0 });
  });

  test("a poll whose xmin passed the newer marks drops the older ones", () => {
    const history = [mark(10, 1, 1), mark(20, 2, 2)];
    // Every transaction with an id below 25 has ended: mark(20) bounds what is still invisible.
    expect(advance(history, mark(30, 3, 3), 25)).toEqual([mark(20, 2, 2), mark(30, 3, 3)]);
    // Nothing was running at all: the new mark is enough.
    expect(advance(history, mark(30, 3, 3), 30)).toEqual([mark(30, 3, 3)]);
  });

  test("an open transaction holds the window at the mark taken before it got its id", () => {
    let history = [mark(10, 1, 1)];
    // Transaction 15 is open for polls 2..5: xmin stays 15, so mark(10) stays first.
    for (let k = 2; k <= 5; k++) history = advance(history, mark(10 + 10 * k, k, k), 15);
    expect(history[0]).toEqual(mark(10, 1, 1));
    expect(windowAfter(history, 0).fromUs).toBe(1);
    // It ends: the latest mark with nextXid ≤ the new xmin takes over.
    history = advance(history, mark(70, 6, 6), 65);
    expect(history[0]).toEqual(mark(60, 5, 5));
  });

  test("a long history is thinned, keeping the oldest and the newest mark", () => {
    let history = [mark(1, 1, 1)];
    for (let k = 2; k < 500; k++) history = advance(history, mark(k * 10, k, k), 5);
    expect(history.length).toBeLessThanOrEqual(maxHistory);
    expect(history[0]).toEqual(mark(1, 1, 1));
    expect(history[history.length - 1]).toEqual(mark(4990, 499, 499));
    for (let i = 1; i < history.length; i++) expect(history[i]!.nextXid).toBeGreaterThan(history[i - 1]!.nextXid);
  });

  test("µs are kept exactly in the timestamptz text", () => {
    expect(timestamptzText(1_700_000_000_123_456)).toBe("2023-11-14T22:13:20.123456Z");
    expect(timestamptzText(1_700_000_000_000_001)).toBe("2023-11-14T22:13:20.000001Z");
    expect(timestamptzText(-1)).toBe("1969-12-31T23:59:59.999999Z");
  });
});

describe("what recent polls already wrote", () => {
  test("only committed versions and deletes count, and only while a window can still reach them", () => {
    const applied = new AppliedRecently();
    applied.stageVersion("workflow_runs", [1], 1_000);
    applied.stageDelete(5);
    expect(applied.hasVersion("workflow_runs", [1], 1_000)).toBe(false);
    applied.discard(); // rolled back
    expect(applied.hasVersion("workflow_runs", [1], 1_000)).toBe(false);

    applied.stageVersion("workflow_runs", [1], 1_000);
    applied.stageVersion("workflow_steps", [1, 2], 3_000);
    applied.stageDelete(5);
    applied.committed({ fromUs: 500, afterSeq: 0 });
    expect(applied.hasVersion("workflow_runs", [1], 1_000)).toBe(true);
    expect(applied.hasVersion("workflow_runs", [1], 1_001)).toBe(false); // a newer version is written
    expect(applied.hasVersion("workflow_jobs", [1], 1_000)).toBe(false);
    expect(applied.hasDelete(5)).toBe(true);

    applied.stageRemoval("workflow_steps", [1, 2]);
    applied.committed({ fromUs: 2_000, afterSeq: 5 });
    expect(applied.hasVersion("workflow_runs", [1], 1_000)).toBe(false); // below the window: forgotten
    expect(applied.hasVersion("workflow_steps", [1, 2], 3_000)).toBe(false); // removed since
    expect(applied.hasDelete(5)).toBe(false);
  });
});

describe("PostgreSQL values to SQLite values", () => {
  const convert = rowConverter([
    { name: "id", type: pgType.int8 }, { name: "n", type: pgType.int4 }, { name: "flag", type: pgType.bool },
    { name: "at", type: pgType.timestamptz }, { name: "tags", type: pgType.textArray }, { name: "name", type: pgType.text },
  ]);

  test("bigint, boolean, timestamptz, text[] and text", () => {
    expect(convert(["9007199254740991", 3, true, new Date("2026-05-12T15:00:00.123Z"), ["build", 'say "hi"'], "x"]))
      .toEqual([9007199254740991, 3, 1, Date.parse("2026-05-12T15:00:00.123Z"), '["build","say \\"hi\\""]', "x"]);
    expect(convert(["1", 0, false, new Date(0), [], ""])).toEqual([1, 0, 0, 0, "[]", ""]);
  });

  test("nulls stay null", () => {
    expect(convert([null, null, null, null, null, null])).toEqual([null, null, null, null, null, null]);
  });

  test("a value the copy cannot hold exactly fails rather than being stored wrong", () => {
    expect(() => convert(["9007199254740993", 1, true, new Date(0), [], ""])).toThrow(/integer/);
    expect(() => convert(["1", 1, "yes", new Date(0), [], ""])).toThrow(/boolean/);
    expect(() => rowConverter([{ name: "price", type: 1700 }])).toThrow(/1700/);
  });

  test("a deleted row's key, from its JSON, in key order", () => {
    const members = copiedTable("org_members")!;
    expect(keyFromJson(members.key, { user_id: 2, org_id: 100 })).toEqual([100, 2]);
    expect(keyFromJson(copiedTable("workflow_runs")!.key, '{"id": 42}')).toEqual([42]);
    expect(() => keyFromJson(members.key, { org_id: 1 })).toThrow();
  });
});

/** A binary COPY stream as PostgreSQL writes it: header, rows of fields (null: -1), trailer. */
function binaryCopy(rows: (Uint8Array | null)[][]): Uint8Array {
  const parts: number[] = [...Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), 0, 0, 0, 0, 0, 0, 0, 0];
  const int32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  for (const row of rows) {
    parts.push((row.length >> 8) & 255, row.length & 255);
    for (const field of row) parts.push(...(field === null ? int32(-1) : [...int32(field.length), ...field]));
  }
  parts.push(255, 255);
  return new Uint8Array(parts);
}
const int8 = (n: bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, n);
  return b;
};
const int4 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n);
  return b;
};
/** A timestamptz: µs since 2000-01-01 UTC. */
const stamp = (iso: string, extraUs = 0n) => int8((BigInt(Date.parse(iso)) - 946_684_800_000n) * 1000n + extraUs);
const utf8 = (s: string) => new TextEncoder().encode(s);
/** A one-dimensional text[] (element type 25); null elements as -1. */
const textArray = (elements: (string | null)[]) => {
  if (elements.length === 0) return new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 25]);
  const parts = [...int4(1), ...int4(elements.includes(null) ? 1 : 0), ...int4(25), ...int4(elements.length), ...int4(1)];
  for (const e of elements) parts.push(...(e === null ? int4(-1) : [...int4(utf8(e).length), ...utf8(e)]));
  return new Uint8Array(parts);
};

describe("binary COPY to SQLite values", () => {
  const columns = [
    { name: "id", type: pgType.int8 }, { name: "n", type: pgType.int4 }, { name: "flag", type: pgType.bool },
    { name: "at", type: pgType.timestamptz }, { name: "tags", type: pgType.textArray }, { name: "name", type: pgType.text },
  ];
  const rows = [
    [int8(9007199254740991n), int4(-3), new Uint8Array([1]), stamp("2026-05-12T15:00:00.123Z", 999n), textArray(["build", 'say "hi"', null]), utf8("Grüße\t\\ ✓")],
    [int8(-9007199254740991n), int4(0), new Uint8Array([0]), stamp("1969-12-31T23:59:59.999Z", 999n), textArray([]), utf8("a".repeat(40) + "é")],
    [null, null, null, null, null, null],
    // The same short text again (served from the decoder's cache) and one of the same length.
    [int8(1n), int4(2147483647), new Uint8Array([1]), stamp("1900-01-01T00:00:00.000Z", 500n), textArray(["x"]), utf8("Grüße\t\\ ✗")],
    [int8(2n), int4(1), new Uint8Array([1]), stamp("2999-12-31T23:59:59.999Z", 999n), textArray(["x"]), utf8("Grüße\t\\ ✓")],
  ];
  const expected = [
    [9007199254740991, -3, 1, Date.parse("2026-05-12T15:00:00.123Z"), '["build","say \\"hi\\"",null]', "Grüße\t\\ ✓"],
    // µs are floored to the ms, before 1970 too (as the driver's Date, and rows.ts, do).
    [-9007199254740991, 0, 0, -1, "[]", "a".repeat(40) + "é"],
    [null, null, null, null, null, null],
    [1, 2147483647, 1, Date.parse("1900-01-01T00:00:00.000Z"), '["x"]', "Grüße\t\\ ✗"],
    [2, 1, 1, Date.parse("2999-12-31T23:59:59.999Z"), '["x"]', "Grüße\t\\ ✓"],
  ];
  // Blocks of one row are rows.
  const decodeAll = (bytes: Uint8Array, chunk: number, blockRows = 1) => {
    const decoder = new BinaryCopyDecoder(columns, blockRows);
    const out = [];
    for (let at = 0; at < bytes.length; at += chunk) out.push(...decoder.push(bytes.subarray(at, at + chunk)));
    out.push(...decoder.finish());
    return out;
  };

  test("every type, nulls, and chunks that end anywhere, even inside a field", () => {
    const bytes = binaryCopy(rows);
    for (const chunk of [bytes.length, 1, 2, 3, 7, 64]) expect({ chunk, rows: decodeAll(bytes, chunk) }).toEqual({ chunk, rows: expected });
  });

  test("rows come in blocks of whole rows, the last block with the rows left", () => {
    const bytes = binaryCopy(rows);
    const blocks = [[...expected[0]!, ...expected[1]!], [...expected[2]!, ...expected[3]!], expected[4]!];
    for (const chunk of [bytes.length, 1, 5, 64]) expect({ chunk, blocks: decodeAll(bytes, chunk, 2) }).toEqual({ chunk, blocks });
    expect(decodeAll(bytes, bytes.length, 5)).toEqual([expected.flat()]);
  });

  test("a value the copy cannot hold exactly, or no instant, fails rather than being stored wrong", () => {
    const one = (field: Uint8Array, type: number) => () => {
      const decoder = new BinaryCopyDecoder([{ name: "v", type }]);
      decoder.push(binaryCopy([[field]]));
    };
    expect(one(int8(9007199254740992n), pgType.int8)).toThrow(/v: 9007199254740992 is not an integer/);
    expect(one(int8(-9007199254740992n), pgType.int8)).toThrow(/integer/);
    expect(one(int8(0x7fffffffffffffffn), pgType.timestamptz)).toThrow(/v: expected a timestamp, got infinity/);
    expect(one(int8(-0x8000000000000000n), pgType.timestamptz)).toThrow(/-infinity/);
    expect(one(int4(1), pgType.int8)).toThrow(/8 bytes/);
    expect(() => new BinaryCopyDecoder([{ name: "price", type: 1700 }])).toThrow(/1700/);
  });

  test("a stream cut short is an error, not fewer rows", () => {
    const bytes = binaryCopy(rows);
    const decoder = new BinaryCopyDecoder(columns, 1);
    expect(decoder.push(bytes.subarray(0, bytes.length - 10))).toHaveLength(4);
    expect(() => decoder.finish()).toThrow(/inside a row/);
    const noTrailer = new BinaryCopyDecoder(columns);
    noTrailer.push(bytes.subarray(0, bytes.length - 2));
    expect(() => noTrailer.finish()).toThrow(/trailer/);
    expect(() => new BinaryCopyDecoder(columns).push(utf8("id\tn\n".repeat(4)))).toThrow(/not a PostgreSQL binary COPY/);
  });
});

describe("tables and queries", () => {
  test("every forge table is copied with its primary key", () => {
    expect(copiedTables.map((t) => [t.name, t.key.join(",")])).toEqual([
      ["accounts", "id"], ["org_members", "org_id,user_id"], ["repositories", "id"], ["repo_collaborators", "repo_id,user_id"],
      ["personal_access_tokens", "id"], ["workflows", "id"], ["workflow_runs", "id"], ["workflow_jobs", "id"],
      ["workflow_steps", "job_id,number"], ["workflow_artifacts", "id"],
    ]);
    expect(copiedTable("deleted_rows")).toBeUndefined();
  });

  test("keyset pages walk the primary key and the updated_at index", () => {
    const q = tableQueries(copiedTable("workflow_steps")!);
    expect(q.copyRowsAfter([12, 3], 500)).toBe(`COPY (SELECT "job_id", "number", "name", "status", "conclusion", "started_at", "completed_at", "updated_at"`
      + ` FROM "workflow_steps" WHERE ("job_id", "number") > (12, 3) ORDER BY "job_id", "number" LIMIT 500) TO STDOUT (FORMAT binary)`);
    expect(q.copyRowsAfter(null, 500)).toContain(`FROM "workflow_steps" ORDER BY "job_id", "number" LIMIT 500)`);
    // COPY takes no parameters: only integers are ever written into it.
    expect(() => q.copyRowsAfter([1.5, 2], 500)).toThrow(TypeError);
    expect(q.changedAfter).toContain(`"updated_at" >= $2::timestamptz AND ("updated_at", "job_id", "number") > ($2::timestamptz, $3, $4)`);
    expect(q.changedAfter).toEndWith(`ORDER BY "updated_at", "job_id", "number" LIMIT $5`);
    expect(q.withKeys).toContain(`IN (SELECT * FROM unnest($1::int8[], $2::int8[]))`);
    expect(tableQueries(copiedTable("workflow_runs")!).withKeys).toEndWith(`WHERE "id" = ANY($1::int8[])`);
  });
});

describe("progress in sync_state", () => {
  test("round-trips, and an empty file reads as never loaded", () => {
    const progress: SyncProgress = {
      phase: "following", load: null, indexes: ["CREATE INDEX i ON t (a)"], history: [mark(5, 1_700_000_000_000_000, 3), beforeAnything], dataAsOfMs: 1_700_000_000_000,
    };
    expect(progressFromEntries(new Map(progressEntries(progress)))).toEqual(progress);
    expect(progressFromEntries(new Map()).phase).toBe("empty");
    expect(progressEntries({ load: { table: "workflow_jobs", after: [7] } })).toEqual([["sync_load_position", '{"table":"workflow_jobs","after":[7]}']]);
  });
});

describe("status", () => {
  test("one log line per state change, none per retry", () => {
    const lines: string[] = [];
    let now = 1_000;
    const status = new SyncStatusTracker((event) => lines.push(event), 2_000, () => now);
    status.enter("loading");
    status.enter("following");
    for (let i = 0; i < 5; i++) status.enter("source_down", {}, "connection refused");
    now += 3_000;
    status.enter("following");
    expect(lines).toEqual(["sync_loading", "sync_following", "sync_source_down", "sync_following"]);
  });

  test("fresh while following within the bound; lag counts from the snapshot", () => {
    let now = 10_000;
    const status = new SyncStatusTracker(() => {}, 2_000, () => now);
    status.enter("following");
    status.batchCommitted(3);
    status.pollDone(9_500);
    expect(status.snapshot()).toMatchObject({ state: "following", lagMs: 500, fresh: true, rowsApplied: 3 });
    now = 12_000;
    expect(status.snapshot()).toMatchObject({ lagMs: 2_500, fresh: false });
    status.enter("source_down", {}, "gone");
    expect(status.snapshot()).toMatchObject({ fresh: false, lastError: "gone" });
  });
});

test("retry delays grow to 5 s and never retry in step", () => {
  expect(retryDelay(0, () => 0.5)).toBe(250);
  expect(retryDelay(3, () => 0.5)).toBe(2_000);
  expect(retryDelay(50, () => 0.5)).toBe(5_000);
  expect(retryDelay(50, () => 0)).toBe(4_000);
  expect(retryDelay(50, () => 1)).toBe(6_000);
});

test("no password reaches a message", () => {
  const url = "postgres://sync:p%40ss@db.internal:5432/forge";
  expect(redactSecrets(`cannot connect to ${url}`, url)).toBe("cannot connect to postgres://sync:***@db.internal:5432/forge");
  expect(redactSecrets("password p@ss rejected", url)).toBe("password *** rejected");
  expect(redactSecrets("no secret here", "postgres://sync@db/forge")).toBe("no secret here");
});

test("the seed writes COPY text: escapes, nulls, arrays, timestamps", () => {
  expect(copyText(null, "plain")).toBe("\\N");
  expect(copyText("a\tb\\c\nd", "plain")).toBe("a\\tb\\\\c\\nd");
  expect(copyText(true, "boolean")).toBe("t");
  expect(copyText(0, "timestamp")).toBe("1970-01-01T00:00:00.000Z");
  expect(copyText(["build", 'q"uo\\te'], "array")).toBe('{"build","q\\\\"uo\\\\\\\\te"}');
  expect(copyText(42, "plain")).toBe("42");
});
