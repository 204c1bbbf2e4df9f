// A sync in a process of its own, for bench/sync.ts: runs startSync and prints its log lines
// and, twice a second, its status as JSON lines; at the end its peak RSS and CPU time.
// Usage: bun bench/sync-follower.ts FROM_URL DB_FILE [--once] [--poll-ms N]
import { bunSyncEdges } from "../src/runtime/bun/sync-edges.ts";
import { startSync } from "../src/sync/index.ts";

const [from, dbPath, ...rest] = process.argv.slice(2);
if (!from || !dbPath) {
  console.error("usage: bun bench/sync-follower.ts FROM_URL DB_FILE [--once] [--poll-ms N]");
  process.exit(2);
}
const pollIndex = rest.indexOf("--poll-ms");
const pollMs = pollIndex >= 0 ? Number(rest[pollIndex + 1]) : undefined;
const print = (event: string, fields: object) => console.log(JSON.stringify({ event, ...fields }));

const sync = startSync({ edges: bunSyncEdges, from, dbPath, once: rest.includes("--once"), pollMs, log: (event, fields = {}) => print(event, fields) });
const ticker = setInterval(() => print("status", { ...sync.status(), rssBytes: process.memoryUsage.rss() }), 500);
process.once("SIGTERM", () => void sync.stop());
await sync.finished;
clearInterval(ticker);
const usage = process.resourceUsage();
print("done", { ...sync.status(), maxRssKB: usage.maxRSS, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 });
