// The embedded demo is served as of the day it is served: every timestamp moved forward by
// whole days, so that its newest runs are recent and its artifacts have not all expired.
import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { DAY, NOW } from "../../src/seed/clock.ts";
import { daysSinceSeedClock, shiftStatements } from "../../src/seed/demo-clock.ts";
import { seededCopy } from "../support/db.ts";

test("whole days from the seed's clock, never backwards", () => {
  expect(daysSinceSeedClock(NOW)).toBe(0);
  expect(daysSinceSeedClock(NOW - 5 * DAY)).toBe(0);
  expect(daysSinceSeedClock(NOW + 10 * DAY + 5)).toBe(10);
  expect(shiftStatements(0)).toEqual([]);
});

test("the moved data keeps every relation and is as fresh on the day served as on the seed's day", async () => {
  const served = NOW + 183 * DAY + 7 * 3_600_000;
  const db = new Database(await seededCopy());
  const before = db.query<{ d: number; n: number; live: number }, [number]>(
    "SELECT sum(completed_at - started_at) AS d, count(*) AS n, (SELECT count(*) FROM workflow_artifacts WHERE expires_at IS NULL OR expires_at > ?) AS live FROM workflow_runs").get(NOW)!;
  db.transaction(() => { for (const s of shiftStatements(daysSinceSeedClock(served))) db.run(s); })();
  const after = db.query<{ d: number; n: number; live: number }, [number]>(
    "SELECT sum(completed_at - started_at) AS d, count(*) AS n, (SELECT count(*) FROM workflow_artifacts WHERE expires_at IS NULL OR expires_at > ?) AS live FROM workflow_runs").get(served)!;
  expect(after.d).toBe(before.d);
  expect(after.n).toBe(before.n);
  // As many artifacts are live on the day served as were on the seed's own day.
  expect(after.live).toBe(before.live);
  expect(after.live).toBeGreaterThan(0);
  const newest = db.query<{ t: number }, []>("SELECT max(created_at) AS t FROM workflow_runs").get()!.t;
  expect(served - newest).toBeLessThan(DAY);
  // run_days follows created_at (its triggers).
  const mismatched = db.query<{ n: number }, []>(`SELECT count(*) AS n FROM (SELECT repo_id, created_at / 86400000 AS day, count(*) AS runs FROM workflow_runs GROUP BY 1, 2) c
    LEFT JOIN run_days d USING (repo_id, day) WHERE d.runs IS NOT c.runs`).get()!.n;
  expect(mismatched).toBe(0);
  const expired = db.query<{ e: number }, []>("SELECT expires_at AS e FROM personal_access_tokens WHERE id = 5").get()!.e;
  expect(expired).toBeLessThan(served);
  db.close();
});
