// The project's statement of the forge tables (db/forge/schema.sql): it declares what the sync
// copies, its triggers do what the sync relies on, the executable carries it, and it matches
// the forge's own schema.sql wherever that file is present. Each statement is loaded into a
// real PostgreSQL and compared by the catalog it creates.
//
// The forge's file lives outside this repository, so its absence skips only the comparison
// with it, under CI=true too: a plain clone has no forge file, and every other PostgreSQL test
// runs from the project's statement. Setting FORGE_SCHEMA_SQL makes a missing file a failure.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SQL } from "bun";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { getTableConfig } from "drizzle-orm/sqlite-core";
import { forgeSchemaSql } from "../../db/forge/index.ts";
import { forgeTables } from "../../db/schema.ts";
import { copiedTables } from "../../src/sync/tables.ts";
import { compiledExecutable } from "../support/binary.ts";
import { contractDifferences, describeCatalog, findForgeSchemaFile } from "../support/forge-contract.ts";
import type { Catalog } from "../support/forge-contract.ts";
import { postgresForTests, startTestPostgres } from "../support/postgres.ts";
import type { TestPostgres } from "../support/postgres.ts";
import { tempDir } from "../support/temp.ts";

const { binaries } = postgresForTests();
const forgeFile = findForgeSchemaFile(join(import.meta.dir, "..", ".."));
if (binaries && !forgeFile.path) console.warn(`skipping the comparison with the forge's schema.sql: ${forgeFile.reason}`);

/** The PostgreSQL types a column of the service's SQLite schema may come from, by drizzle column type. */
const sourceTypes: Record<string, string[]> = {
  SQLiteInteger: ["bigint", "integer", "timestamp with time zone"],
  SQLiteBoolean: ["boolean"],
  SQLiteText: ["text"],
  SQLiteTextJson: ["text[]"],
};

describe.skipIf(binaries === null)("the forge contract (db/forge/schema.sql)", () => {
  let pg: TestPostgres;
  let project: Catalog;
  let databases = 0;

  /** The catalog a statement creates in a new, empty database. */
  async function catalogOf(statement: string): Promise<Catalog> {
    const db = await pg.createDatabase(`contract_${++databases}`, { empty: true });
    const sql = new SQL(db.adminUrl, { max: 1 });
    try {
      await sql.unsafe(statement);
      return await describeCatalog(sql);
    } finally {
      await sql.close();
    }
  }

  /** The project's statement with one change, which must apply (so a test cannot pass by a typo). */
  function changed(from: string, to: string, statement = forgeSchemaSql): string {
    expect(statement).toContain(from);
    return statement.replace(from, to);
  }

  beforeAll(async () => {
    pg = await startTestPostgres(binaries!);
    project = await catalogOf(forgeSchemaSql);
  }, 60_000);

  afterAll(async () => {
    await pg?.destroy();
  });

  test("declares each table the sync copies with the service's columns, nullability and key; and deleted_rows", () => {
    expect([...project.tables.keys()].sort()).toEqual([...copiedTables.map((t) => t.name), "deleted_rows"].sort());
    for (const copied of copiedTables) {
      const table = project.tables.get(copied.name)!;
      const service = getTableConfig(forgeTables[copied.name]).columns;
      expect({ table: copied.name, columns: [...table.columns.keys()] }).toEqual({ table: copied.name, columns: service.map((c) => c.name) });
      for (const c of service) {
        const column = table.columns.get(c.name)!;
        expect({ column: `${copied.name}.${c.name}`, notNull: column.notNull }).toEqual({ column: `${copied.name}.${c.name}`, notNull: c.notNull });
        expect(sourceTypes[c.columnType]).toContain(column.type);
      }
      expect({ table: copied.name, key: table.primaryKey }).toEqual({ table: copied.name, key: [...copied.key] });
    }
    const deleted = project.tables.get("deleted_rows")!;
    expect(Object.fromEntries(deleted.columns)).toMatchObject({
      seq: { type: "bigint", notNull: true, default: "nextval('deleted_rows_seq_seq'::regclass)" },
      table_name: { type: "text", notNull: true },
      row_key: { type: "jsonb", notNull: true },
    });
    expect(deleted.primaryKey).toEqual(["seq"]);
    expect(project.sequences.get("deleted_rows_seq_seq")).toBe("bigint START 1 INCREMENT 1");
  });

  test("every copied table has the updated_at index and the touch and delete triggers the sync's change tracking walks", () => {
    for (const copied of copiedTables) {
      const defs = project.tables.get(copied.name)!.facts.map((f) => f.def);
      expect(defs).toContain(`CREATE INDEX ON public.${copied.name} USING btree (updated_at)`);
      expect(defs).toContain(`CREATE TRIGGER BEFORE INSERT OR UPDATE ON public.${copied.name} FOR EACH ROW EXECUTE FUNCTION forge_touch()`);
      const keyArgs = copied.key.map((k) => `'${k}'`).join(", ");
      expect(defs).toContain(`CREATE TRIGGER AFTER DELETE ON public.${copied.name} FOR EACH ROW EXECUTE FUNCTION forge_record_delete(${keyArgs})`);
    }
  });

  test("updated_at is the time of each write, not of its transaction; deletes, cascaded ones too, are recorded by key", async () => {
    const db = await pg.createDatabase("contract_behaviour");
    const sql = new SQL(db.adminUrl, { max: 1 });
    try {
      const result = await sql.begin(async (tx) => {
        await tx`INSERT INTO accounts (id, login, type) VALUES (1, 'octo', 'User'), (2, 'org', 'Organization')`;
        await tx`INSERT INTO org_members (org_id, user_id, role) VALUES (2, 1, 'member')`;
        await tx`SELECT pg_sleep(0.01)`;
        await tx`UPDATE accounts SET site_admin = true WHERE id = 1`;
        const [times] = await tx`SELECT (SELECT updated_at FROM accounts WHERE id = 1) > now() AS after_start,
          (SELECT updated_at FROM accounts WHERE id = 1) > (SELECT updated_at FROM accounts WHERE id = 2) AS after_insert`;
        await tx`DELETE FROM accounts WHERE id = 1`;
        const deleted = await tx`SELECT table_name, row_key::text AS key FROM deleted_rows ORDER BY table_name`;
        return { times, deleted: [...deleted] };
      });
      expect(result.times).toEqual({ after_start: true, after_insert: true });
      expect(result.deleted).toEqual([
        { table_name: "accounts", key: `{"id": 1}` },
        { table_name: "org_members", key: `{"org_id": 2, "user_id": 1}` },
      ]);
      await expect(sql`INSERT INTO accounts (id, login, type) VALUES (3, 'OCTO', 'Bot')`).rejects.toThrow();
      await expect(sql`INSERT INTO accounts (id, login, type) VALUES (3, 'ORG', 'User')`).rejects.toThrow(/accounts_login_key/);
    } finally {
      await sql.close();
    }
  });

  test("the comparison sees a column renamed on either side, a nullability, a CHECK dropped, a trigger changed", async () => {
    expect(contractDifferences(project, project)).toEqual([]);
    const renamedHere = await catalogOf(changed("  job_name          text", "  job_title         text"));
    expect(contractDifferences(renamedHere, project)).toContain("workflow_jobs.job_title: not in the forge's schema");
    const renamedThere = await catalogOf(changed("  head_ref       text", "  head_branch    text"));
    expect(contractDifferences(project, renamedThere)).toContain("workflow_runs.head_ref: not in the forge's schema");
    const nullableThere = await catalogOf(changed("  runs_on           text        NOT NULL,", "  runs_on           text,"));
    expect(contractDifferences(project, nullableThere)).toContain("workflow_jobs.runs_on: NOT NULL here, nullable in the forge");
    const looser = await catalogOf(changed(" CHECK (head_sha ~ '^[0-9a-f]{40}$')", ""));
    expect(contractDifferences(looser, project)).toContain(
      "workflow_runs: the forge's CHECK ((head_sha ~ '^[0-9a-f]{40}$'::text)) is missing here (looser than the forge)");
    const nowThere = await catalogOf(changed("NEW.updated_at := clock_timestamp();", "NEW.updated_at := now();"));
    expect(contractDifferences(project, nowThere)).toEqual(["function forge_touch: differs from the forge's (another body)"]);
    const keyThere = await catalogOf(changed("('workflow_steps', 'job_id, number')", "('workflow_steps', 'job_id')"));
    expect(contractDifferences(project, keyThere)).toEqual([
      "workflow_steps: CREATE TRIGGER AFTER DELETE ON public.workflow_steps FOR EACH ROW EXECUTE FUNCTION forge_record_delete('job_id', 'number') is not in the forge's schema",
      "workflow_steps: the forge's CREATE TRIGGER AFTER DELETE ON public.workflow_steps FOR EACH ROW EXECUTE FUNCTION forge_record_delete('job_id') is missing here (looser than the forge)",
    ]);
  }, 30_000);

  test("what only the forge has beyond the project's columns and plain indexes is the forge's business", async () => {
    const more = await catalogOf(changed("  runner_name       text,", "  runner_name       text,\n  runner_group      text NOT NULL DEFAULT '' CHECK (runner_group <> 'x'),")
      + "\nCREATE INDEX workflow_jobs_by_runner ON workflow_jobs (runner_name);\nCREATE TABLE forge_only (id bigint PRIMARY KEY);\n");
    expect(contractDifferences(project, more)).toEqual([]);
    expect(contractDifferences(more, project).length).toBeGreaterThan(0);
  }, 30_000);

  test.skipIf(!forgeFile.path)("matches the forge's own schema.sql", async () => {
    const forge = await catalogOf(readFileSync(forgeFile.path!, "utf8"));
    expect(contractDifferences(project, forge)).toEqual([]);
  });

  test("the executable's seed --postgres creates the tables from the statement it carries, in an empty database", async () => {
    const exe = await compiledExecutable();
    const db = await pg.createDatabase("contract_seeded", { empty: true });
    const cwd = tempDir("seed-pg");
    try {
      const proc = Bun.spawn([exe, "seed", "--postgres", db.adminUrl, "--repos", "2", "--runs", "50"],
        { cwd, env: { PATH: process.env.PATH ?? "" }, stdout: "pipe", stderr: "pipe" });
      const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
      const seeded = JSON.parse(stdout.trim().split("\n").at(-1)!) as { event: string; summary: { rows: Record<string, number> } };
      expect(seeded.event).toBe("seeded");
      expect(seeded.summary.rows.workflow_runs).toBeGreaterThan(50);
      const sql = new SQL(db.adminUrl, { max: 1 });
      try {
        const catalog = await describeCatalog(sql);
        expect(contractDifferences(catalog, project)).toEqual([]);
        expect(contractDifferences(project, catalog)).toEqual([]);
        const [{ runs }] = (await sql`SELECT count(*)::int AS runs FROM workflow_runs`) as [{ runs: number }];
        expect(runs).toBe(seeded.summary.rows.workflow_runs!);
      } finally {
        await sql.close();
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 120_000);
});
