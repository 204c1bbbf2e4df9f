// Run by bench/deno-sync.ts under Deno: the two PostgreSQL clients from npm that run under Deno,
// on what the sync asks of its source — keyset pages of a whole table as arrays of values (the
// initial load), and a poll's round trips (a clock read, then a REPEATABLE READ READ ONLY
// transaction with one small query). Prints one JSON line.
//   deno run -A bench/deno-pg-clients.ts <url> <table> <key> <rounds>
import pg from "pg";
import postgres from "postgres";

const [url, table, key, roundsArg] = Deno.args as [string, string, string, string];
const rounds = Number(roundsArg);
const pageSize = 5000;
const pageSql = `SELECT * FROM ${table} WHERE ${key} > $1 ORDER BY ${key} LIMIT $2`;
const clockSql = "SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::int8::text AS us";

async function measure(read: (after: number) => Promise<unknown[][]>, poll: () => Promise<void>) {
  let rows = 0;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (let after = 0; ;) {
      const page = await read(after);
      rows += page.length;
      if (page.length < pageSize) break;
      after = Number(page[page.length - 1]![0]);
    }
  }
  const loadS = (performance.now() - t0) / 1000;
  for (let i = 0; i < 20; i++) await poll();
  const polls: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    await poll();
    polls.push(performance.now() - t);
  }
  polls.sort((a, b) => a - b);
  return { rowsPerS: Math.round(rows / loadS), pollP50Ms: polls[100]!, pollP99Ms: polls[198]! };
}

const porsager = postgres(url, { max: 1, onnotice: () => {} });
const viaPostgres = await measure(
  async (after) => (await porsager.unsafe(pageSql, [after, pageSize], { prepare: true }).values()) as unknown as unknown[][],
  async () => {
    await porsager.unsafe(clockSql, [], { prepare: true }).values();
    await porsager.begin("isolation level repeatable read read only", (tx) => tx.unsafe("SELECT pg_current_snapshot()::text", [], { prepare: true }).values());
  },
);
await porsager.end({ timeout: 0 });

const client = new pg.Client({ connectionString: url });
await client.connect();
const viaPg = await measure(
  async (after) => (await client.query({ text: pageSql, values: [after, pageSize], rowMode: "array", name: "page" })).rows,
  async () => {
    await client.query({ text: clockSql, rowMode: "array", name: "clock" });
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await client.query({ text: "SELECT pg_current_snapshot()::text", rowMode: "array", name: "snap" });
    await client.query("COMMIT");
  },
);
await client.end();
console.log(JSON.stringify({ postgres: viaPostgres, pg: viaPg }));
