// The forge contract as PostgreSQL itself reads it: a schema is loaded into a database and its
// catalog described (columns, keys, constraints, indexes, triggers, their functions, sequences),
// so two statements are compared by what they create, not by how they are written.
import type { SQL } from "bun";
import { existsSync } from "node:fs";
import { join } from "node:path";

export interface Column { type: string; notNull: boolean; default: string | null }

/** A constraint, index or trigger, by its definition as PostgreSQL prints it (name left out). */
export interface Fact {
  kind: string;
  def: string;
  /** The columns of its own table it depends on. */
  columns: string[];
  /** For a foreign key: the referenced table and columns. */
  references?: { table: string; columns: string[] };
  /** For a trigger: its function. */
  fn?: string;
}

export interface Table { columns: Map<string, Column>; primaryKey: string[]; facts: Fact[] }

export interface Catalog {
  tables: Map<string, Table>;
  /** Trigger functions by name: language, result and body, whitespace collapsed. */
  functions: Map<string, string>;
  /** Sequences by name: type, start and increment. */
  sequences: Map<string, string>;
}

const list = (s: string | null) => (s ? s.split(",") : []);

export async function describeCatalog(sql: SQL): Promise<Catalog> {
  const tables = new Map<string, Table>();
  const table = (name: string) => {
    let t = tables.get(name);
    if (!t) tables.set(name, (t = { columns: new Map(), primaryKey: [], facts: [] }));
    return t;
  };
  const inPublic = `JOIN pg_namespace ns ON ns.oid = c.relnamespace AND ns.nspname = 'public'`;

  const columns = (await sql.unsafe(`SELECT c.relname AS tbl, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type,
      a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS dflt
    FROM pg_class c ${inPublic}
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
    WHERE c.relkind IN ('r', 'p') ORDER BY c.relname, a.attnum`)) as { tbl: string; col: string; type: string; not_null: boolean; dflt: string | null }[];
  for (const c of columns) table(c.tbl).columns.set(c.col, { type: c.type, notNull: c.not_null, default: c.dflt });

  const names = (rel: string, nums: string) =>
    `(SELECT string_agg(a.attname::text, ',' ORDER BY u.ord) FROM unnest(${nums}) WITH ORDINALITY AS u(num, ord)
      JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = u.num)`;
  const constraints = (await sql.unsafe(`SELECT c.relname AS tbl, k.contype AS kind, pg_get_constraintdef(k.oid) AS def,
      ${names("k.conrelid", "k.conkey")} AS cols, f.relname AS ref_table, ${names("k.confrelid", "k.confkey")} AS ref_cols
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid ${inPublic}
    LEFT JOIN pg_class f ON f.oid = k.confrelid
    WHERE k.contype IN ('p', 'u', 'f', 'c')`)) as { tbl: string; kind: string; def: string; cols: string | null; ref_table: string | null; ref_cols: string | null }[];
  for (const k of constraints) {
    if (k.kind === "p") table(k.tbl).primaryKey = list(k.cols);
    else {
      const kind = { u: "UNIQUE", f: "FOREIGN KEY", c: "CHECK" }[k.kind]!;
      table(k.tbl).facts.push({ kind, def: k.def, columns: list(k.cols), ...(k.ref_table ? { references: { table: k.ref_table, columns: list(k.ref_cols) } } : {}) });
    }
  }

  // Indexes that do not back a constraint; their columns (expressions and predicates included)
  // from pg_depend.
  const indexes = (await sql.unsafe(`SELECT c.relname AS tbl, i.indisunique AS uniq,
      regexp_replace(pg_get_indexdef(i.indexrelid), '^CREATE (UNIQUE )?INDEX \\S+ ON ', 'CREATE \\1INDEX ON ') AS def,
      (SELECT string_agg(DISTINCT a.attname::text, ',') FROM pg_depend d
        JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid AND d.refobjsubid > 0) AS cols
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid ${inPublic}
    WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u'))`)) as
    { tbl: string; uniq: boolean; def: string; cols: string | null }[];
  for (const i of indexes) table(i.tbl).facts.push({ kind: i.uniq ? "UNIQUE INDEX" : "INDEX", def: i.def, columns: list(i.cols) });

  const triggers = (await sql.unsafe(`SELECT c.relname AS tbl, p.proname AS fn,
      regexp_replace(pg_get_triggerdef(t.oid), '^CREATE TRIGGER \\S+ ', 'CREATE TRIGGER ') AS def
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid ${inPublic} JOIN pg_proc p ON p.oid = t.tgfoid
    WHERE NOT t.tgisinternal`)) as { tbl: string; fn: string; def: string }[];
  for (const t of triggers) table(t.tbl).facts.push({ kind: "TRIGGER", def: t.def, columns: [], fn: t.fn });

  const functions = (await sql.unsafe(`SELECT p.proname AS name, l.lanname AS lang, pg_get_function_result(p.oid) AS result, p.prosrc AS src
    FROM pg_proc p JOIN pg_namespace ns ON ns.oid = p.pronamespace AND ns.nspname = 'public' JOIN pg_language l ON l.oid = p.prolang`)) as
    { name: string; lang: string; result: string; src: string }[];
  const sequences = (await sql.unsafe(`SELECT sequencename AS name, data_type::text AS type, start_value::text AS start, increment_by::text AS step
    FROM pg_sequences WHERE schemaname = 'public'`)) as { name: string; type: string; start: string; step: string }[];
  return {
    tables,
    functions: new Map(functions.map((f) => [f.name, `LANGUAGE ${f.lang} RETURNS ${f.result} AS ${f.src.replace(/\s+/g, " ").trim()}`])),
    sequences: new Map(sequences.map((s) => [s.name, `${s.type} START ${s.start} INCREMENT ${s.step}`])),
  };
}

const sequenceOf = (dflt: string | null) => dflt?.match(/^nextval\('([^']+)'::regclass\)$/)?.[1];

/**
 * What differs between the project's statement and the forge's, as one line each; empty when
 * the project's holds. Every table and column the project declares must be the forge's, with
 * the same type, nullability, default and primary key. Constraints, unique indexes and
 * triggers on what the project declares must be the same on both sides: one only the forge has
 * makes the project's statement looser (its tests could write rows the forge refuses), one
 * only the project has is a guarantee the forge does not give. A plain index the project
 * declares must be the forge's; the forge may have more. Tables and columns the project does
 * not declare are the forge's business.
 */
export function contractDifferences(project: Catalog, forge: Catalog): string[] {
  const out: string[] = [];
  const functions = new Set<string>();
  const sequences = new Set<string>();
  for (const [name, mine] of project.tables) {
    const theirs = forge.tables.get(name);
    if (!theirs) {
      out.push(`table ${name}: not in the forge's schema`);
      continue;
    }
    for (const [col, c] of mine.columns) {
      const f = theirs.columns.get(col);
      if (!f) {
        out.push(`${name}.${col}: not in the forge's schema`);
        continue;
      }
      if (c.type !== f.type) out.push(`${name}.${col}: ${c.type} here, ${f.type} in the forge`);
      if (c.notNull !== f.notNull) out.push(`${name}.${col}: ${c.notNull ? "NOT NULL" : "nullable"} here, ${f.notNull ? "NOT NULL" : "nullable"} in the forge`);
      if (c.default !== f.default) out.push(`${name}.${col}: default ${c.default ?? "none"} here, ${f.default ?? "none"} in the forge`);
      const seq = sequenceOf(c.default);
      if (seq && c.default === f.default) sequences.add(seq);
    }
    if (mine.primaryKey.join() !== theirs.primaryKey.join()) {
      out.push(`${name}: primary key (${mine.primaryKey.join(", ")}) here, (${theirs.primaryKey.join(", ")}) in the forge`);
    }
    // A forge fact the project could not state: it depends on a column or table not declared here.
    const declared = (f: Fact) => f.columns.every((c) => mine.columns.has(c))
      && (!f.references || f.references.columns.every((c) => project.tables.get(f.references!.table)?.columns.has(c)));
    const key = (f: Fact) => f.def;
    const forgeFacts = new Set(theirs.facts.filter(declared).map(key));
    const projectFacts = new Set(mine.facts.map(key));
    for (const f of mine.facts) {
      if (!forgeFacts.has(key(f))) out.push(`${name}: ${key(f)} is not in the forge's schema`);
      if (f.fn) functions.add(f.fn);
    }
    for (const f of theirs.facts.filter(declared)) {
      if (f.kind !== "INDEX" && !projectFacts.has(key(f))) out.push(`${name}: the forge's ${key(f)} is missing here (looser than the forge)`);
    }
  }
  for (const fn of functions) {
    if (project.functions.get(fn) !== forge.functions.get(fn)) out.push(`function ${fn}: differs from the forge's (${forge.functions.has(fn) ? "another body" : "not in the forge's schema"})`);
  }
  for (const seq of sequences) {
    if (project.sequences.get(seq) !== forge.sequences.get(seq)) out.push(`sequence ${seq}: ${project.sequences.get(seq)} here, ${forge.sequences.get(seq) ?? "none"} in the forge`);
  }
  return out;
}

export interface ForgeSchemaFile {
  /** The file, or null when it is not there. */
  path: string | null;
  /** Why there is none, for the skip message. */
  reason: string;
}

/**
 * The forge's own schema.sql, which lives outside this repository: FORGE_SCHEMA_SQL, else
 * ../shared/forge/schema.sql beside the repository. A FORGE_SCHEMA_SQL naming a missing file
 * is an error, not a skip: whoever set it asked for the check.
 */
export function findForgeSchemaFile(repoRoot: string, env: Record<string, string | undefined> = process.env): ForgeSchemaFile {
  const named = env.FORGE_SCHEMA_SQL;
  if (named) {
    if (!existsSync(named)) throw new Error(`FORGE_SCHEMA_SQL names ${named}, which does not exist`);
    return { path: named, reason: "" };
  }
  const beside = join(repoRoot, "..", "shared", "forge", "schema.sql");
  return existsSync(beside)
    ? { path: beside, reason: "" }
    : { path: null, reason: `the forge's schema.sql is not beside the repository (../shared/forge/schema.sql) and FORGE_SCHEMA_SQL is not set` };
}
