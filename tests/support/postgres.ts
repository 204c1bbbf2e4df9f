// A throwaway PostgreSQL cluster for the sync tests: initdb into a fresh temp folder, a free
// TCP port on 127.0.0.1, the forge tables (the project's db/forge/schema.sql) in a template
// database, and a role that may only SELECT the forge tables (no sequence privileges), which
// is all the sync gets in production.
// Faults: kill() is kill -9 of the server, start() brings it back with crash recovery.
import { SQL } from "bun";
import { chmodSync, chownSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { forgeSchemaSql } from "../../db/forge/index.ts";
import { removeTempDir, tempDir } from "./temp.ts";

const adminPassword = "admin-secret";
export const readerRole = "forge_reader";
export const readerPassword = "reader-s3cret";
const templateDb = "forge_template";

export type PostgresBinaries = { initdb: string; pg_ctl: string; pg_basebackup: string | null };

/** initdb and pg_ctl from PATH, else the newest /usr/lib/postgresql/N/bin; null if neither. */
export function findPostgres(): PostgresBinaries | null {
  const onPath = { initdb: Bun.which("initdb"), pg_ctl: Bun.which("pg_ctl") };
  if (onPath.initdb && onPath.pg_ctl) return { initdb: onPath.initdb, pg_ctl: onPath.pg_ctl, pg_basebackup: Bun.which("pg_basebackup") };
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(base, v, "bin");
    if (existsSync(join(bin, "initdb")) && existsSync(join(bin, "pg_ctl"))) {
      return { initdb: join(bin, "initdb"), pg_ctl: join(bin, "pg_ctl"), pg_basebackup: existsSync(join(bin, "pg_basebackup")) ? join(bin, "pg_basebackup") : null };
    }
  }
  return null;
}

/**
 * Whether the PostgreSQL tests can run here. Without PostgreSQL they are skipped with the
 * reason printed, except under CI=true, where a missing PostgreSQL is a failure.
 */
export function postgresForTests(): { binaries: PostgresBinaries | null; skipReason: string | null } {
  const binaries = findPostgres();
  const reason = binaries ? null : "PostgreSQL is not installed (no initdb/pg_ctl on PATH or under /usr/lib/postgresql/*/bin)";
  if (reason && process.env.CI === "true") throw new Error(`${reason}: CI must run the PostgreSQL tests`);
  if (reason) console.warn(`skipping the PostgreSQL sync tests: ${reason}`);
  return { binaries: reason ? null : binaries, skipReason: reason };
}

/** A free TCP port on 127.0.0.1 (closed again: the caller binds it). */
export async function freePort(): Promise<number> {
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
  /**
   * A new database with the forge tables (from the template) and the reader's grants; with
   * `empty`, a database with no tables at all (and so no grants).
   */
  createDatabase(name: string, options?: { empty?: boolean }): Promise<TestDatabase>;
  /** kill -9 the postmaster and its backends: the source goes away mid-whatever. */
  kill(): Promise<void>;
  /** Start (again) after kill(), with crash recovery; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stop the server and delete the folder. */
  destroy(): Promise<void>;
  logFile: string;
  /**
   * A hot standby of this cluster on another free loopback port: pg_basebackup -R, then
   * started; it follows by streaming replication. Its databases' URLs name its own port.
   */
  startStandby(): Promise<TestStandby>;
}

export interface TestStandby {
  port: number;
  logFile: string;
  /** The same database's URLs, on the standby's port. */
  urlsOf(db: TestDatabase): TestDatabase;
  /** Resolves once the standby has replayed everything the primary had written when it was called. */
  caughtUp(timeoutMs?: number): Promise<void>;
  kill(): Promise<void>;
  start(): Promise<void>;
  /** pg_ctl promote: the standby becomes a primary of its own. */
  promote(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * `replication`: the cluster can have streaming standbys (wal_level replica). Without it
 * (wal_level minimal) LOCK TABLE takes no transaction id, so a test can hold a table locked
 * while a sync's load starts without the load waiting for that transaction to end.
 */
export async function startTestPostgres(binaries: PostgresBinaries, options: { replication?: boolean } = {}): Promise<TestPostgres> {
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
  // killed server keeps every transaction it acknowledged, as a real one does.
  const wal = options.replication ? [] : ["wal_level = minimal", "max_wal_senders = 0"];
  const conf = [`port = ${port}`, `listen_addresses = '127.0.0.1'`, `unix_socket_directories = '${socketDir}'`,
    "fsync = off", "full_page_writes = off", "max_connections = 100", ...wal].join("\n");
  const confFile = join(dataDir, "postgresql.conf");
  writeFileSync(confFile, readFileSync(confFile, "utf8") + "\n" + conf + "\n");

  const start = () => run([binaries.pg_ctl, "-D", dataDir, "-l", logFile, "-w", "-t", "60", "start"]);
  await start();
  let standbys = 0;

  const url = (user: string, password: string, db: string) => `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
  const admin = new SQL(url("postgres", adminPassword, "postgres"), { max: 1 });
  await admin.unsafe(`CREATE ROLE ${readerRole} LOGIN PASSWORD '${readerPassword}'`);
  await admin.unsafe(`CREATE DATABASE ${templateDb}`);
  await admin.close();
  const template = new SQL(url("postgres", adminPassword, templateDb), { max: 1 });
  await template.unsafe(forgeSchemaSql);
  await template.unsafe(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${readerRole}`);
  await template.close();

  const primary = controls(binaries, run, dataDir, logFile);

  const startStandby = async (): Promise<TestStandby> => {
    const standbyRoot = join(root, `standby-${++standbys}`);
    const standbyDir = join(standbyRoot, "data");
    const standbyLog = join(standbyRoot, "postgres.log");
    const standbySocket = join(standbyRoot, "socket");
    await run(["mkdir", "-p", standbySocket]);
    const basebackup = binaries.pg_basebackup;
    if (!basebackup) throw new Error("pg_basebackup is not installed: a standby cannot be made");
    // -R writes standby.signal and primary_conninfo; -X stream copies the WAL written meanwhile.
    await run(["env", `PGPASSWORD=${adminPassword}`, basebackup, "-h", "127.0.0.1", "-p", String(port), "-U", "postgres",
      "-D", standbyDir, "-R", "-X", "stream", "-c", "fast"]);
    const standbyPort = await freePort();
    const standbyConf = join(standbyDir, "postgresql.conf");
    // Reports to the primary every second (the default is 10 s), so the tests see its lag soon.
    await run(["sh", "-c", `printf '%s\n' "port = ${standbyPort}" "unix_socket_directories = '${standbySocket}'" `
      + `"hot_standby = on" "wal_receiver_status_interval = 1" >> '${standbyConf}'`]);
    const standby = controls(binaries, run, standbyDir, standbyLog);
    await standby.start();
    const standbyAdmin = () => new SQL(url("postgres", adminPassword, "postgres").replace(`:${port}/`, `:${standbyPort}/`), { max: 1 });
    return {
      port: standbyPort,
      logFile: standbyLog,
      urlsOf: (db) => ({
        name: db.name,
        adminUrl: db.adminUrl.replace(`:${port}/`, `:${standbyPort}/`),
        readerUrl: db.readerUrl.replace(`:${port}/`, `:${standbyPort}/`),
      }),
      async caughtUp(timeoutMs = 20_000) {
        const p = new SQL(url("postgres", adminPassword, "postgres"), { max: 1 });
        const [{ lsn }] = await p`SELECT pg_current_wal_lsn()::text AS lsn`;
        await p.close();
        const s = standbyAdmin();
        try {
          const deadline = performance.now() + timeoutMs;
          for (;;) {
            const [{ behind }] = await s`SELECT pg_wal_lsn_diff(${lsn}::pg_lsn, pg_last_wal_replay_lsn()) > 0 AS behind`;
            if (!behind) return;
            if (performance.now() > deadline) throw new Error(`the standby did not replay up to ${lsn} within ${timeoutMs} ms`);
            await Bun.sleep(10);
          }
        } finally {
          await s.close();
        }
      },
      kill: standby.kill,
      start: standby.start,
      promote: () => run([binaries.pg_ctl, "-D", standbyDir, "-w", "promote"]),
      destroy: async () => {
        await standby.stop();
        rmSync(standbyRoot, { recursive: true, force: true });
      },
    };
  };

  return {
    port,
    logFile,
    async createDatabase(name, options = {}) {
      const admin = new SQL(url("postgres", adminPassword, "postgres"), { max: 1 });
      await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${options.empty ? "template0" : templateDb}`);
      await admin.close();
      return { name, adminUrl: url("postgres", adminPassword, name), readerUrl: url(readerRole, readerPassword, name) };
    },
    kill: primary.kill,
    start,
    startStandby,
    async destroy() {
      // Standbys first: a primary stopped under them would leave them retrying until they are stopped.
      for (const dir of readdirSync(root).filter((d) => d.startsWith("standby-"))) {
        await controls(binaries, run, join(root, dir, "data"), join(root, dir, "postgres.log")).stop();
      }
      await primary.stop();
      removeTempDir(root);
    },
  };
}

/** A cluster's kill -9, start and immediate stop, by its data folder. */
function controls(binaries: PostgresBinaries, run: (argv: string[]) => Promise<void>, dataDir: string, logFile: string) {
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
    async kill() {
      const pid = postmasterPid();
      if (pid === null || !alive(pid)) return;
      const victims = [pid, ...childrenOf(pid)];
      for (const v of victims) {
        try {
          process.kill(v, "SIGKILL");
        } catch { /* already gone */ }
      }
      const deadline = performance.now() + 10_000;
      while (victims.some(alive) && performance.now() < deadline) await Bun.sleep(20);
    },
    start: () => run([binaries.pg_ctl, "-D", dataDir, "-l", logFile, "-w", "-t", "60", "start"]),
    async stop() {
      const pid = postmasterPid();
      if (pid !== null && alive(pid)) await run([binaries.pg_ctl, "-D", dataDir, "-m", "immediate", "-w", "stop"]).catch(() => {});
    },
  };
}
