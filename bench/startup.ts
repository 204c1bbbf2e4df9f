// Start-up of executables side by side: spawn to the first 200 on a runs page, each executable
// started in turn, again and again, so that a slower stretch of the machine falls on all of
// them alike (two builds compared one after the other mostly compare the machine's moments).
// The file is served as `serve --db` serves it. `timeStart` is also npm run bench's measure.
//
//   bun bench/startup.ts EXE [EXE ...] [--db .bench/runs-1100x1000000.sqlite] [--workers 1] [--starts 15]
import { parseArgs } from "node:util";

const page = "/api/v3/repos/alice/hello-world/actions/runs";

/** Spawn → the first 200 on a runs page, in ms; null when another process held the port picked. */
export async function timeStart(exe: string, db: string, workers: number): Promise<number | null> {
  // Below the ephemeral range (32768 on): wrk's connections of the rounds before may hold any port there.
  const port = 10000 + Math.floor(Math.random() * 20000);
  const t0 = performance.now();
  const proc = Bun.spawn([exe, "serve", "--db", db, "--port", String(port), "--workers", String(workers)], { stdout: "ignore", stderr: "pipe" });
  try {
    while (proc.exitCode === null) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}${page}`, { headers: { authorization: "token demo_alice_repo" } });
        await res.arrayBuffer();
        if (res.status === 200) return performance.now() - t0;
      } catch { /* not listening yet */ }
      await Bun.sleep(1);
    }
    const stderr = await new Response(proc.stderr).text();
    if (stderr.includes("in use")) return null;
    throw new Error(`the service exited (${proc.exitCode}) before answering on port ${port}: ${stderr.slice(-500)}`);
  } finally {
    proc.kill();
    await proc.exited;
  }
}

if (import.meta.main) {
  const { values: args, positionals: exes } = parseArgs({
    allowPositionals: true,
    options: {
      db: { type: "string", default: ".bench/runs-1100x1000000.sqlite" },
      workers: { type: "string", default: "1" },
      starts: { type: "string", default: "15" },
    },
  });
  if (exes.length === 0) throw new Error("name one executable or more: bun bench/startup.ts dist/actions-runs OTHER");
  const samples = exes.map(() => [] as number[]);
  let taken = 0;
  for (let i = 0; i < Number(args.starts); i++) {
    for (const [k, exe] of exes.entries()) {
      let ms = await timeStart(exe, args.db!, Number(args.workers));
      // Another process may hold the port picked: another one, a few times.
      while (ms === null && ++taken < 5) ms = await timeStart(exe, args.db!, Number(args.workers));
      if (ms === null) throw new Error("five of the ports picked were in use");
      samples[k]!.push(ms);
    }
  }
  console.log(`Spawn to the first 200 on ${page}, --workers ${args.workers}, ${args.starts} starts of each, in turn (ms):`);
  console.log("| executable | median | p25 | p75 | min |");
  console.log("|---|---:|---:|---:|---:|");
  for (const [k, exe] of exes.entries()) {
    const s = samples[k]!.sort((a, b) => a - b);
    const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(1);
    console.log(`| ${exe} | ${at(0.5)} | ${at(0.25)} | ${at(0.75)} | ${s[0]!.toFixed(1)} |`);
  }
}
