// `actions-runs sync`: keep a SQLite file live from the forge's PostgreSQL (src/sync), until
// caught up with --once, else until SIGTERM/SIGINT.
import { UsageError } from "../cli/args.ts";
import type { ParsedOptions } from "../cli/args.ts";
import { loggerFromOptions } from "../observability/from-options.ts";
import { startSync } from "../sync/index.ts";

export async function sync(opts: ParsedOptions): Promise<number> {
  const from = opts.from as string | undefined;
  const dbPath = opts.db as string | undefined;
  if (from === undefined || dbPath === undefined) throw new UsageError("sync needs --from URL and --db FILE");
  const { log } = loggerFromOptions(opts);
  const running = startSync({ from, dbPath, once: opts.once === true, log });
  const stop = () => void running.stop();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  await running.finished;
  // Stopped by a signal before it caught up: --once did not do its job.
  return opts.once === true ? running.caughtUp.then(() => 0, () => 1) : 0;
}
