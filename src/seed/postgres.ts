// The seed generator's PostgreSQL sink: fills an empty forge-schema database with COPY, in one
// transaction, so a seed lands whole or not at all; a database without the forge tables gets
// them first, from the project's statement of them (db/forge/schema.sql). The forge's triggers
// stay on: updated_at is the time of the insert, as everywhere in the forge, which is what the
// sync's change tracking relies on.
import type { SQL } from "bun";
import { forgeSchemaSql } from "../../db/forge/index.ts";
import { generate } from "./generate.ts";
import type { ForgeTable, Row, RowSink, SeedOptions, SeedSummary } from "./types.ts";

/** How each column is written in COPY's text format, from the column's PostgreSQL type. */
type ColumnKind = "timestamp" | "array" | "boolean" | "plain";

/** One value in COPY text format: backslash escapes, \N for null. */
export function copyText(value: Row[string], kind: ColumnKind): string {
  if (value === null) return "\\N";
  if (kind === "timestamp") return new Date(value as number).toISOString();
  if (kind === "boolean" || typeof value === "boolean") return value ? "t" : "f";
  if (kind === "array") {
    const elements = (value as string[]).map((e) => `"${e.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`);
    return escapeCopy(`{${elements.join(",")}}`);
  }
  return escapeCopy(String(value));
}

function escapeCopy(s: string): string {
  return /[\\\t\n\r]/.test(s) ? s.replaceAll("\\", "\\\\").replaceAll("\t", "\\t").replaceAll("\n", "\\n").replaceAll("\r", "\\r") : s;
}

function kindOf(dataType: string): ColumnKind {
  if (dataType.startsWith("timestamp")) return "timestamp";
  if (dataType === "ARRAY") return "array";
  if (dataType === "boolean") return "boolean";
  return "plain";
}

export class ForgeNotEmpty extends Error {}

export async function seedPostgres(url: string, opts: SeedOptions): Promise<SeedSummary> {
  const sql = new Bun.SQL(url, { max: 1 });
  try {
    const [{ present }] = (await sql`SELECT to_regclass('public.workflow_runs') IS NOT NULL AS present`) as [{ present: boolean }];
    if (!present) await sql.unsafe(forgeSchemaSql);
    const [{ has_rows }] = (await sql`SELECT EXISTS (SELECT 1 FROM accounts) OR EXISTS (SELECT 1 FROM workflow_runs) AS has_rows`) as [{ has_rows: boolean }];
    if (has_rows) throw new ForgeNotEmpty("the PostgreSQL database already holds forge data; seed an empty database");
    const kinds = await columnKinds(sql);
    return await sql.begin(async (tx) => generate(copySink(tx, kinds), opts));
  } finally {
    await sql.close();
  }
}

async function columnKinds(sql: SQL): Promise<Map<string, ColumnKind>> {
  const rows = (await sql`SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'`) as
    { table_name: string; column_name: string; data_type: string }[];
  return new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, kindOf(r.data_type)]));
}

function copySink(tx: SQL, kinds: Map<string, ColumnKind>): RowSink {
  return {
    async write(table: ForgeTable, rows: Row[]) {
      const columns = Object.keys(rows[0]!);
      const columnKinds = columns.map((c) => kinds.get(`${table}.${c}`) ?? "plain");
      let text = "";
      for (const row of rows) text += columns.map((c, i) => copyText(row[c] ?? null, columnKinds[i]!)).join("\t") + "\n";
      const copy = tx.unsafe(`COPY ${table} (${columns.join(", ")}) FROM STDIN`);
      const writer = copy.writable().getWriter();
      await writer.write(text);
      await writer.close();
      await copy;
    },
  };
}
