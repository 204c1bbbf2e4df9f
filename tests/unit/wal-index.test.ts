// The commit signal read from the wal-index header, both ways it can be read: a change by
// any other connection is seen at the next look, no look without a change sees one, and
// SQLite's own lock on the shared-memory file survives the watching.
import { afterAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync } from "node:fs";
import { watchWalIndex } from "../../src/runtime/bun/wal-index.ts";
import type { WalIndexWatch } from "../../src/runtime/bun/wal-index.ts";
import { locksHeldOn, seededCopy } from "../support/db.ts";

const closers: (() => void)[] = [];
afterAll(() => closers.forEach((close) => close()));

for (const map of [true, false]) {
  describe(map ? "mapped" : "read with pread", () => {
    async function setUp() {
      const path = await seededCopy();
      const reader = new Database(path, { readonly: true });
      reader.query("SELECT count(*) FROM workflow_runs").get();
      const watch = watchWalIndex(path, { map })!;
      const writer = new Database(path);
      closers.push(() => { watch.close(); writer.close(); reader.close(); });
      return { path, reader, watch, writer };
    }

    test("every commit changes the version, across checkpoints; nothing else does", async () => {
      const { reader, watch, writer } = await setUp();
      expect(watch).not.toBeNull();
      let last = watch.version();
      const count = reader.query<{ n: number }, []>("SELECT count(*) AS n FROM workflow_runs WHERE display_title LIKE 'commit %'");
      for (let i = 0; i < 200; i++) {
        // Reads, by the reader or the writer, and idle looks change nothing.
        count.get();
        writer.query("SELECT count(*) FROM workflow_runs").get();
        expect(watch.version()).toBe(last);
        if (i % 30 === 15) writer.run("PRAGMA wal_checkpoint(TRUNCATE)");
        writer.run("UPDATE workflow_runs SET display_title = ? WHERE id = (SELECT min(id) FROM workflow_runs)", [`commit ${i}`]);
        const now = watch.version();
        expect(now).not.toBe(last);
        expect(count.get()!.n).toBe(1);
        last = now;
      }
    });

    test.skipIf(!existsSync("/proc/locks"))("SQLite's lock on the -shm file is still held after watching", async () => {
      const { path, watch } = await setUp();
      for (let i = 0; i < 100; i++) watch.version();
      Bun.gc(true);
      expect(locksHeldOn(`${path}-shm`)).toBeGreaterThan(0);
    });
  });
}

test("a database in rollback-journal mode has no wal-index to watch", async () => {
  const path = await seededCopy();
  const db = new Database(path);
  db.run("PRAGMA journal_mode = DELETE");
  db.close();
  const watch: WalIndexWatch | null = watchWalIndex(path);
  expect(watch).toBeNull();
});
