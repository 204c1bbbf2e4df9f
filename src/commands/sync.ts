// `actions-runs sync`: keep a SQLite file live from the forge's PostgreSQL (src/sync), until
// caught up with --once, else until SIGTERM/SIGINT.
import type { SyncConfig } from "../config/index.ts";
import { stdoutLogger } from "../observability/logger.ts";
import type { Runtime, Stdout } from "../runtime/types.ts";
import { startSync } from "../sync/index.ts";

export async function sync(config: SyncConfig, runtime: Runtime, stdout: Stdout): Promise<number> {
  const { log } = stdoutLogger(config.log.level, config.log.format, stdout);
  const running = startSync({ edges: await runtime.syncEdges(), from: config.from, dbPath: config.db, once: config.once, log });
  const stop = () => void running.stop();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  await running.finished;
  // Stopped by a signal before it caught up: --once did not do its job.
  return config.once ? running.caughtUp.then(() => 0, () => 1) : 0;
}
