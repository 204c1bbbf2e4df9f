// The sync under Deno against Bun's, on one seeded PostgreSQL, in the same run:
//   bun bench/deno-sync.ts [--runs 20000] [--repos 50]
// 1. The PostgreSQL client for Deno's edge: `postgres` (porsager) vs `pg`, reading a whole table
//    in keyset pages (rows/s) and a poll's round trips (ms), both under Deno (deno-pg-clients.ts).
// 2. The initial load: `sync --once` into an empty file by the executable and by the Deno entry.
// 3. The lag: with `sync` following, a change committed in PostgreSQL until it is in the file.
import { Database } from "bun:sqlite";
import { SQL } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { seedPostgres } from "../src/seed/postgres.ts";
import { compiledExecutable, denoEntry } from "../tests/support/binary.ts";
import { findPostgres, startTestPostgres } from "../tests/support/postgres.ts";

const { values: args } = parseArgs({ options: { runs: { type: "string", default: "20000" }, repos: { type: "string", default: "50" } } });
const binaries = findPostgres();
if (!binaries) throw new Error("PostgreSQL is not installed");
const dir = mkdtempSync(join(tmpdir(), "actions-runs-deno-sync-bench-"));
const pg = await startTestPostgres(binaries);
const step = (m: string) => console.error(`[bench] ${m}`);
const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
try {
  const db = await pg.createDatabase("deno_sync_bench");
  step(`seeding ${args.runs} runs`);
  await seedPostgres(db.adminUrl, { repos: Number(args.repos), runs: Number(args.runs), seed: 1 });
  const exe = await compiledExecutable();

  step("PostgreSQL clients under Deno");
  const clients = Bun.spawnSync([denoEntry[0]!, "run", "-A", "--config", join(import.meta.dir, "..", "deno.json"), join(import.meta.dir, "deno-pg-clients.ts"), db.readerUrl, "workflow_jobs", "id", "3"], { env, stderr: "inherit" });
  const measured = JSON.parse(clients.stdout.toString()) as Record<string, { rowsPerS: number; pollP50Ms: number; pollP99Ms: number }>;

  const once = async (command: string[], file: string) => {
    const t0 = performance.now();
    const proc = Bun.spawn([...command, "sync", "--from", db.readerUrl, "--db", file, "--once"], { env, stdout: "ignore", stderr: "inherit" });
    if ((await proc.exited) !== 0) throw new Error(`${command.join(" ")} sync failed`);
    return (performance.now() - t0) / 1000;
  };
  const rowsIn = (file: string) => {
    const s = new Database(file, { readonly: true });
    const n = ["workflow_runs", "workflow_jobs", "workflow_steps"].reduce((sum, t) => sum + s.query<{ n: number }, []>(`SELECT count(*) AS n FROM ${t}`).get()!.n, 0);
    s.close();
    return n;
  };
  const load: Record<string, { seconds: number; rows: number }[]> = { bun: [], deno: [] };
  for (let round = 0; round < 2; round++) {
    for (const [name, command] of [["bun", [exe]], ["deno", denoEntry]] as const) {
      const file = join(dir, `${name}-${round}.sqlite`);
      step(`initial load, ${name}, round ${round + 1}`);
      const seconds = await once([...command], file);
      load[name]!.push({ seconds, rows: rowsIn(file) });
    }
  }

  const admin = new SQL(db.adminUrl, { max: 1 });
  const [run] = await admin`SELECT id FROM workflow_runs ORDER BY id DESC LIMIT 1`;
  const lag: Record<string, number[]> = { bun: [], deno: [] };
  for (const [name, command] of [["bun", [exe]], ["deno", denoEntry]] as const) {
    step(`lag, ${name}`);
    const file = join(dir, `${name}-0.sqlite`);
    const proc = Bun.spawn([...command, "sync", "--from", db.readerUrl, "--db", file], { env, stdout: "ignore", stderr: "inherit" });
    const reader = new Database(file, { readonly: true });
    const title = reader.query<{ t: string }, [number]>("SELECT display_title AS t FROM workflow_runs WHERE id = ?");
    await Bun.sleep(1500);
    for (let i = 0; i < 10; i++) {
      const want = `lag probe ${name} ${i} ${Date.now()}`;
      const t0 = performance.now();
      await admin`UPDATE workflow_runs SET display_title = ${want} WHERE id = ${run.id}`;
      while (title.get(run.id)?.t !== want) await Bun.sleep(2);
      lag[name]!.push(performance.now() - t0);
      await Bun.sleep(150 + Math.random() * 200);
    }
    reader.close();
    proc.kill("SIGTERM");
    await proc.exited;
  }
  await admin.close();

  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rate = (xs: { seconds: number; rows: number }[]) => med(xs.map((x) => x.rows / x.seconds));
  const lines = [
    `PostgreSQL clients under Deno (workflow_jobs in pages of 5,000, 3 passes; 200 polls):`,
    "",
    "| client | rows/s | poll p50 ms | poll p99 ms |",
    "|---|---:|---:|---:|",
    ...Object.entries(measured).map(([k, v]) => `| ${k} | ${v.rowsPerS} | ${v.pollP50Ms.toFixed(2)} | ${v.pollP99Ms.toFixed(2)} |`),
    "",
    `The sync (${args.runs} runs; runs + jobs + steps = ${load.bun![0]!.rows} rows), median of 2 initial loads and of 10 lag probes (poll every 200 ms):`,
    "",
    "| runtime | initial load s | rows/s | lag p50 ms | lag max ms |",
    "|---|---:|---:|---:|---:|",
    ...(["bun", "deno"] as const).map((k) => `| ${k} | ${med(load[k]!.map((x) => x.seconds)).toFixed(2)} | ${Math.round(rate(load[k]!))} | ${med(lag[k]!).toFixed(0)} | ${Math.max(...lag[k]!).toFixed(0)} |`),
    "",
    `Deno / Bun: initial load rows/s ${(rate(load.deno!) / rate(load.bun!)).toFixed(2)}, lag p50 ${(med(lag.deno!) / med(lag.bun!)).toFixed(2)}.`,
  ];
  console.log(lines.join("\n"));
} finally {
  await pg.destroy();
  rmSync(dir, { recursive: true, force: true });
}
