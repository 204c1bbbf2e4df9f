// The migrations, in order, as SQL text. Imported as text so that they travel inside the
// compiled executable (a `seed` or `sync` run by the binary creates its database from these).
import init from "./0001_init.sql" with { type: "text" };
import runDays from "./0002_run_days.sql" with { type: "text" };
import syncHeartbeat from "./0003_sync_heartbeat.sql" with { type: "text" };

export interface Migration { version: number; name: string; sql: string }

export const migrations: readonly Migration[] = [
  { version: 1, name: "0001_init", sql: init },
  { version: 2, name: "0002_run_days", sql: runDays },
  { version: 3, name: "0003_sync_heartbeat", sql: syncHeartbeat },
];

export const latestVersion = migrations[migrations.length - 1]!.version;
