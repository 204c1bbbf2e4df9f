// A throwaway PostgreSQL cluster for the sync tests: initdb into a fresh temp folder, a free
// TCP port on 127.0.0.1, the forge schema in a template database, and a role that may only
// SELECT the forge tables (no sequence privileges), which is all the sync gets in production.
// Faults: kill() is kill -9 of the server, start() brings it back with crash recovery.
import { SQL } from "bun";
import { chmodSync, chownSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findForgeSchema } from "../../src/sync/forge-schema.ts";
import { removeTempDir, tempDir } from "./temp.ts";

const adminPassword = "admin-secret";
export const readerRole = "forge_reader";
export const readerPassword = "reader-s3cret";
const templateDb = "forge_template";

export type PostgresBinaries = { initdb: string; pg_ctl: string };

/** initdb and pg_ctl from PATH, else the newest /usr/lib/postgresql/N/bin; null if neither. */
export function findPostgres(): PostgresBinaries | null {
  const onPath = { initdb: Bun.which("initdb"), pg_ctl: Bun.which("pg_ctl") };
  if (onPath.initdb && onPath.pg_ctl) return { initdb: onPath.initdb, pg_ctl: onPath.pg_ctl };
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(base, v, "bin");
    if (existsSync(join(bin, "initdb")) && existsSync(join(bin, "pg_ctl"))) return { initdb: join(bin, "initdb"), pg_ctl: join(bin, "pg_ctl") };
  }
  return null;
}

/**
 * Whether the PostgreSQL tests can run here. Without PostgreSQL they are skipped with the
 * reason printed, except under CI=true, where a missing PostgreSQL is a failure.
 */
export function postgresForTests(): { binaries: PostgresBinaries | null; skipReason: string | null } {
  const binaries = findPostgres();
  const schema = findForgeSchema();
  let reason: string | null = null;
  if (!binaries) reason = "PostgreSQL is not installed (no initdb/pg_ctl on PATH or under /usr/lib/postgresql/*/bin)";
  else if (!schema.path) reason = `the forge schema.sql was not found (tried ${schema.tried.join(", ")}; set FORGE_SCHEMA_SQL)`;
  if (reason && process.env.CI === "true") throw new Error(`${reason}: CI must run the PostgreSQL tests`);
  if (reason) console.warn(`skipping the PostgreSQL sync tests: ${reason}`);
  return { binaries: reason ? null : binaries, skipReason: reason };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function postgresUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith("postgres:"));
  if (!line) throw new Error("running as root, but there is no 'postgres' OS user to run PostgreSQL as");
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

export interface TestDatabase {
  name: string;
  /** Superuser: the tests write the forge's data through this. */
  adminUrl: string;
  /** SELECT-only role: what the sync connects as. */
  readerUrl: string;
}

export interface TestPostgres {
  port: number;
  /** A new database with the forge schema (from the template) and the reader's grants. */
  createDatabase(name: string): Promise<TestDatabase>;
  /** kill -9 the postmaster and its backends: the source goes away mid-whatever. */
  kill(): Promise<void>;
  /** Start (again) after kill(), with crash recovery; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stop the server and delete the folder. */
  destroy(): Promise<void>;
  logFile: string;
}

export async function startTestPostgres(binaries: PostgresBinaries): Promise<TestPostgres> {
  const owner = postgresUser();
  // Run as root, the cluster belongs to the postgres user, who must be able to reach it.
  if (owner && (statSync(tmpdir()).mode & 0o001) === 0) {
    throw new Error(`TMPDIR (${tmpdir()}) is not searchable by the postgres user, who runs the test cluster: chmod o+x it`);
  }
  const root = tempDir("pg");
  const dataDir = join(root, "data");
  const socketDir = join(root, "socket");
  const logFile = join(root, "postgres.log");
  const pwFile = join(root, "pwfile");
  writeFileSync(pwFile, adminPassword + "\n");
  chmodSync(root, 0o755);
  if (owner) {
    chownSync(root, owner.uid, owner.gid);
    chownSync(pwFile, owner.uid, owner.gid);
  }
  const asOwner = (argv: string[]) => (owner ? ["runuser", "-u", "postgres", "--", ...argv] : argv);
  const run = async (argv: string[]) => {
    const proc = Bun.spawn(asOwner(argv), { cwd: root, stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    if (code !== 0) throw new Error(`${argv.slice(0, 2).join(" ")} failed (${code}):\n${out}\n${err}`);
  };

  await run([binaries.initdb, "-D", dataDir, "-U", "postgres", `--pwfile=${pwFile}`, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "-N"]);
  const port = await freePort();
  await run(["mkdir", "-p", socketDir]);
  // No fsync: the tests kill the server, never the machine. Commits stay synchronous, so a
  // killed server keeps every transaction it acknowledged, as a real one does. No standby
  // either (wal_level minimal): then LOCK TABLE takes no transaction id, so a test can hold
  // a table locked while a sync's load starts without the load waiting for it to end.
  const conf = [`port = ${port}`, `listen_addresses = '127.0.0.1'`, `unix_socket_directories = '${socketDir}'`,
    "fsync = off", "full_page_writes = off", "max_connections = 100", "wal_level = minimal", "max_wal_senders = 0"].join("\n");
  const confFile = join(dataDir, "postgresql.conf");
  writeFileSync(confFile, readFileSync(confFile, "utf8") + "\n" + conf + "\n");

  const start = () => run([binaries.pg_ctl, "-D", dataDir, "-l", logFile, "-w", "-t", "60", "start"]);
  await start();

  const url = (user: string, password: string, db: string) => `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
  const schemaPath = findForgeSchema().path;
  if (!schemaPath) throw new Error("the forge schema.sql was not found");
  const admin = new SQL(url("postgres", adminPassword, "postgres"), { max: 1 });
  await admin.unsafe(`CREATE ROLE ${readerRole} LOGIN PASSWORD '${readerPassword}'`);
  await admin.unsafe(`CREATE DATABASE ${templateDb}`);
  await admin.close();
  const template = new SQL(url("postgres", adminPassword, templateDb), { max: 1 });
  await template.unsafe(readFileSync(schemaPath, "utf8"));
  await template.unsafe(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${readerRole}`);
  await template.close();

  const postmasterPid = () => {
    const file = join(dataDir, "postmaster.pid");
    return existsSync(file) ? Number(readFileSync(file, "utf8").split("\n")[0]) : null;
  };
  const childrenOf = (pid: number) =>
    readdirSync("/proc").filter((p) => /^\d+$/.test(p)).flatMap((p) => {
      try {
        const stat = readFileSync(`/proc/${p}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid ? [Number(p)] : [];
      } catch {
        return [];
      }
    });
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  return {
    port,
    logFile,
    async createDatabase(name) {
      const admin = new SQL(url("postgres", adminPassword, "postgres"), { max: 1 });
      await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${templateDb}`);
      await admin.close();
      return { name, adminUrl: url("postgres", adminPassword, name), readerUrl: url(readerRole, readerPassword, name) };
    },
    async kill() {
      const pid = postmasterPid();
      if (pid === null || !alive(pid)) return;
      const victims = [pid, ...childrenOf(pid)];
      for (const v of victims) {
        try {
          process.kill(v, "SIGKILL");
        } catch { /* already gone */ }
      }
      const deadline = Date.now() + 10_000;
      while (victims.some(alive) && Date.now() < deadline) await Bun.sleep(20);
    },
    start,
    async destroy() {
      const pid = postmasterPid();
      if (pid !== null && alive(pid)) await run([binaries.pg_ctl, "-D", dataDir, "-m", "immediate", "-w", "stop"]).catch(() => {});
      removeTempDir(root);
    },
  };
}
