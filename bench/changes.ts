// A writer standing in for the sync on a busy forge: one commit every --every ms (the sync's
// poll interval, each poll bringing changes) to the file the service is serving. Each commit
// moves one run's updated_at forward or back by one (and the writer puts it back as it
// stops, so the file ends as it began), and the run touched is on none of the pages the bench measures:
// the answers the bench asks for keep their bytes, but none may be served from before the commit.
//
// Given several runs (RUN_ID,RUN_ID,...), each commit touches all of them, one transaction.
//
//   bun bench/changes.ts FILE RUN_ID[,RUN_ID...] [--every 200]
// Stops on SIGTERM and prints how many commits it made.
import { Database } from "bun:sqlite";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { every: { type: "string", default: "200" } } });
const [file, run] = positionals;
if (!file || !run) throw new Error("usage: bun bench/changes.ts FILE RUN_ID [--every MS]");
const db = new Database(file);
db.run("PRAGMA busy_timeout = 5000");
const update = db.query("UPDATE workflow_runs SET updated_at = updated_at + ?1 WHERE id = ?2");
const runs = run.split(",").map(Number);
const touch = db.transaction((by: number) => {
  for (const id of runs) update.run(by, id);
});
let commits = 0;
const every = Number(values.every);
const timer = setInterval(() => {
  touch(commits % 2 === 0 ? 1 : -1);
  commits++;
}, every);
process.on("SIGTERM", () => {
  clearInterval(timer);
  // Back where it began.
  if (commits % 2 === 1) touch(-1);
  db.close();
  console.log(JSON.stringify({ commits }));
  process.exit(0);
});
