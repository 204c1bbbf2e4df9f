// The migrations, in order, as SQL text. Imported as text so that they travel inside the
// compiled executable (a `seed` or `sync` run by the binary creates its database from these).
import init from "./0001_init.sql" with { type: "text" };
import runDays from "./0002_run_days.sql" with { type: "text" };
import syncHeartbeat from "./0003_sync_heartbeat.sql" with { type: "text" };
import repoChanges from "./0004_repo_changes.sql" with { type: "text" };
import runListing from "./0005_run_listing.sql" with { type: "text" };

export interface Migration { version: number; name: string; sql: string }

export const migrations: readonly Migration[] = [
  { version: 1, name: "0001_init", sql: init },
  { version: 2, name: "0002_run_days", sql: runDays },
  { version: 3, name: "0003_sync_heartbeat", sql: syncHeartbeat },
  { version: 4, name: "0004_repo_changes", sql: repoChanges },
  { version: 5, name: "0005_run_listing", sql: runListing },
];

export const latestVersion = migrations[migrations.length - 1]!.version;

type Trigger = { name: string; sql: string };
const triggersOf = (sql: string): readonly Trigger[] => (sql.match(/CREATE TRIGGER [\s\S]*?\nEND;/g) ?? [])
  .map((statement) => ({ name: /CREATE TRIGGER (\w+)/.exec(statement)![1]!, sql: statement }));

/**
 * The triggers of 0004_repo_changes, as statements: the sync drops them for a full load (a
 * count per row would triple its cost) and counts every repository as changed once per
 * commit instead, then puts them back as it starts following.
 */
export const repoChangeTriggers: readonly Trigger[] = triggersOf(repoChanges);

/**
 * The triggers of 0002_run_days, and its statement that counts run_days from the runs: the
 * sync drops the triggers for a full load (about 1 µs more per run) and, as it starts
 * following, counts run_days again in one pass and puts them back.
 */
export const runDaysTriggers: readonly Trigger[] = triggersOf(runDays);
export const runDaysFromRuns: string = /INSERT INTO run_days[\s\S]*?;/.exec(runDays)![0];
