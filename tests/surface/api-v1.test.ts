// The forge's /api/v1 contract, every answer checked against raw SQL over the same file.
import { beforeAll, describe, expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import { oracle } from "../support/db.ts";
import { testApp } from "../support/app.ts";

let req: Awaited<ReturnType<typeof testApp>>["req"];
let sql: Database;
const token = "demo_alice_repo";
const base = "/api/v1/repos/alice/hello-world/actions";
let repoId: number;

beforeAll(async () => {
  ({ req } = await testApp());
  sql = await oracle();
  repoId = sql.query<{ id: number }, []>("SELECT id FROM repositories WHERE name = 'hello-world'").get()!.id;
});

interface ForgeRun { id: number; status: string; conclusion: string | null; head_ref: string; created_at: string; [k: string]: unknown }

async function listAll(path: string): Promise<{ status: number; body: ForgeRun[]; res: Response }> {
  const res = await req(path, { token });
  return { status: res.status, body: (await res.json()) as ForgeRun[], res };
}

/** Run ids of hello-world matching a SQL condition, in the contract's order. */
function expectedIds(where = "1", params: (string | number)[] = []): number[] {
  return sql.query<{ id: number }, (string | number)[]>(
    `SELECT id FROM workflow_runs WHERE repo_id = ? AND (${where}) ORDER BY created_at DESC, id DESC`,
  ).all(repoId, ...params).map((r) => r.id);
}

describe("list runs", () => {
  test("newest first, 30 by default, the total in X-Total-Count", async () => {
    const { status, body, res } = await listAll(`${base}/runs`);
    expect(status).toBe(200);
    const all = expectedIds();
    expect(all.length).toBeGreaterThan(100);
    expect(body.map((r) => r.id)).toEqual(all.slice(0, 30));
    expect(res.headers.get("x-total-count")).toBe(String(all.length));
    expect(res.headers.get("content-type")).toContain("application/json");
  });

  test("runs sharing a created_at keep one stable order, id descending", async () => {
    const tie = sql.query<{ ids: string }, [number]>(
      "SELECT group_concat(id) AS ids FROM workflow_runs WHERE repo_id = ? GROUP BY created_at HAVING count(*) >= 3 LIMIT 1",
    ).get(repoId);
    expect(tie).not.toBeNull();
    const tied = new Set(tie!.ids.split(",").map(Number));
    const ids: number[] = [];
    for (let page = 1; ; page++) {
      const { body } = await listAll(`${base}/runs?per_page=100&page=${page}`);
      if (body.length === 0) break;
      ids.push(...body.map((r) => r.id).filter((id) => tied.has(id)));
    }
    expect(ids.length).toBe(tied.size);
    expect(ids).toEqual([...tied].sort((a, b) => b - a));
  });

  test("the run object carries the contract's fields", async () => {
    const { body } = await listAll(`${base}/runs?per_page=1`);
    const run = body[0]!;
    const row = sql.query<Record<string, unknown>, [number]>(
      "SELECT r.*, a.login AS actor_login FROM workflow_runs r LEFT JOIN accounts a ON a.id = r.actor_id WHERE r.id = ?",
    ).get(run.id)!;
    expect(run).toMatchObject({
      id: row.id, run_number: row.run_number, workflow_file: row.workflow_file, workflow_name: row.workflow_name,
      head_sha: row.head_sha, head_ref: row.head_ref, event: row.event, status: row.status, conclusion: row.conclusion,
      actor_id: row.actor_id, actor_username: row.actor_login ?? null,
    });
    expect(run.created_at).toBe(new Date(row.created_at as number).toISOString().replace(/\.\d{3}Z$/, "Z"));
    for (const key of ["started_at", "completed_at", "created_at", "updated_at"]) {
      const v = run[key];
      if (v !== null) expect(v).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
  });

  const filters: { name: string; column: string }[] = [
    { name: "workflow_file", column: "workflow_file" },
    { name: "head_ref", column: "head_ref" },
    { name: "event", column: "event" },
    { name: "status", column: "status" },
    { name: "conclusion", column: "conclusion" },
  ];
  for (const f of filters) {
    test(`filter ${f.name}: every value present in the data`, async () => {
      const values = sql.query<{ v: string }, [number]>(
        `SELECT DISTINCT ${f.column} AS v FROM workflow_runs WHERE repo_id = ? AND ${f.column} IS NOT NULL`,
      ).all(repoId).map((r) => r.v);
      expect(values.length).toBeGreaterThan(1);
      for (const v of values) {
        const { status, body, res } = await listAll(`${base}/runs?per_page=100&${f.name}=${encodeURIComponent(v)}`);
        expect(status).toBe(200);
        const want = expectedIds(`${f.column} = ?`, [v]);
        expect(body.map((r) => r.id)).toEqual(want.slice(0, 100));
        expect(res.headers.get("x-total-count")).toBe(String(want.length));
      }
    });
  }

  test("filter actor: by login, case-insensitively; an unknown login matches nothing", async () => {
    const want = expectedIds("actor_id = (SELECT id FROM accounts WHERE login = 'bob')");
    expect(want.length).toBeGreaterThan(0);
    for (const login of ["bob", "BOB"]) {
      const { body } = await listAll(`${base}/runs?per_page=100&actor=${login}`);
      expect(body.map((r) => r.id)).toEqual(want.slice(0, 100));
    }
    const none = await listAll(`${base}/runs?actor=nobody-at-all`);
    expect(none.status).toBe(200);
    expect(none.body).toEqual([]);
    expect(none.res.headers.get("x-total-count")).toBe("0");
  });

  test("filters combine", async () => {
    const combos = sql.query<{ head_ref: string; event: string; status: string; conclusion: string | null; workflow_file: string }, [number]>(
      `SELECT head_ref, event, status, conclusion, workflow_file FROM workflow_runs WHERE repo_id = ?
       GROUP BY head_ref, event, status, conclusion, workflow_file ORDER BY count(*) DESC LIMIT 12`,
    ).all(repoId);
    for (const c of combos) {
      const q = new URLSearchParams({ head_ref: c.head_ref, event: c.event, status: c.status, workflow_file: c.workflow_file, per_page: "100" });
      if (c.conclusion) q.set("conclusion", c.conclusion);
      const { body, res } = await listAll(`${base}/runs?${q}`);
      const want = expectedIds(
        "head_ref = ? AND event = ? AND status = ? AND workflow_file = ?" + (c.conclusion ? " AND conclusion = ?" : ""),
        [c.head_ref, c.event, c.status, c.workflow_file, ...(c.conclusion ? [c.conclusion] : [])],
      );
      expect(body.map((r) => r.id)).toEqual(want);
      expect(res.headers.get("x-total-count")).toBe(String(want.length));
    }
  });

  test("status and conclusion that contradict each other give an empty page, not an error", async () => {
    const { status, body } = await listAll(`${base}/runs?status=queued&conclusion=success`);
    expect(status).toBe(200);
    expect(body).toEqual([]);
  });
});

describe("pagination", () => {
  test("walking every page with a small per_page yields each run once, in order", async () => {
    const all = expectedIds();
    const seen: number[] = [];
    for (let page = 1; page <= Math.ceil(all.length / 7) + 1; page++) {
      const { body } = await listAll(`${base}/runs?per_page=7&page=${page}`);
      seen.push(...body.map((r) => r.id));
    }
    expect(seen).toEqual(all);
  });

  test("Link: absolute first/prev/next/last that keep every filter", async () => {
    const total = expectedIds("head_ref = 'main'").length;
    const last = Math.ceil(total / 5);
    expect(last).toBeGreaterThan(3);
    const res = await req(`${base}/runs?head_ref=main&per_page=5&page=2`, { token });
    const links = parseLink(res.headers.get("link")!);
    for (const rel of ["first", "prev", "next", "last"]) {
      const url = new URL(links[rel]!);
      expect(url.origin).toBe("http://localhost");
      expect(url.pathname).toBe(`${base}/runs`);
      expect(url.searchParams.get("head_ref")).toBe("main");
      expect(url.searchParams.get("per_page")).toBe("5");
    }
    expect(new URL(links.first!).searchParams.get("page")).toBe("1");
    expect(new URL(links.prev!).searchParams.get("page")).toBe("1");
    expect(new URL(links.next!).searchParams.get("page")).toBe("3");
    expect(new URL(links.last!).searchParams.get("page")).toBe(String(last));
  });

  test("page 1 has no first/prev; the last page has no next; one page has no Link", async () => {
    const first = parseLink((await req(`${base}/runs?per_page=50`, { token })).headers.get("link")!);
    expect(Object.keys(first).sort()).toEqual(["last", "next"]);
    const total = expectedIds().length;
    const lastPage = Math.ceil(total / 50);
    const last = parseLink((await req(`${base}/runs?per_page=50&page=${lastPage}`, { token })).headers.get("link")!);
    expect(Object.keys(last).sort()).toEqual(["first", "last", "prev"]);
    const single = await req(`${base}/runs?per_page=100&head_ref=${encodeURIComponent("no-such-branch")}`, { token });
    expect(single.headers.get("link")).toBeNull();
  });

  test("per_page over 100 counts as 100; a page past the end is empty", async () => {
    const { body } = await listAll(`${base}/runs?per_page=1000`);
    expect(body.length).toBe(100);
    const past = await listAll(`${base}/runs?page=9999`);
    expect(past.status).toBe(200);
    expect(past.body).toEqual([]);
  });

  for (const [query, field] of [
    ["per_page=0", "per_page"], ["per_page=-5", "per_page"], ["per_page=abc", "per_page"], ["per_page=1.5", "per_page"],
    ["page=0", "page"], ["page=-1", "page"], ["page=x", "page"], ["page=99999999999999999999", "page"],
    ["status=running2", "status"], ["conclusion=great", "conclusion"],
  ] as const) {
    test(`bad ${query} → 422 naming ${field}`, async () => {
      const res = await req(`${base}/runs?${query}`, { token });
      expect(res.status).toBe(422);
      const body = await res.json() as { message: string; documentation_url: string; errors: { field: string }[] };
      expect(body.message).toBe("Validation Failed");
      expect(typeof body.documentation_url).toBe("string");
      expect(body.errors.map((e) => e.field)).toEqual([field]);
    });
  }
});

describe("single run and its jobs", () => {
  test("a run by id", async () => {
    const id = expectedIds()[3]!;
    const res = await req(`${base}/runs/${id}`, { token });
    expect(res.status).toBe(200);
    expect(((await res.json()) as ForgeRun).id).toBe(id);
  });

  test("a run of another repository is a run that does not exist", async () => {
    const other = sql.query<{ id: number }, [number]>("SELECT id FROM workflow_runs WHERE repo_id != ? LIMIT 1").get(repoId)!.id;
    const foreign = await req(`${base}/runs/${other}`, { token });
    const missing = await req(`${base}/runs/999999999`, { token });
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).toBe(await missing.text());
    const jobs = await req(`${base}/runs/${other}/jobs`, { token });
    expect(jobs.status).toBe(404);
  });

  for (const id of ["abc", "-1", "0", "1e3", "99999999999999999999999", "%F0%9F%92%A9", "1%00"]) {
    test(`run id ${id} → 404`, async () => {
      const res = await req(`${base}/runs/${id}`, { token });
      expect(res.status).toBe(404);
      expect((await res.json() as { message: string }).message).toBe("Not Found");
    });
  }

  test("jobs: the latest attempt's, in job_index order, with needs_jobs", async () => {
    const rerun = sql.query<{ id: number; run_attempt: number }, [number]>(
      "SELECT id, run_attempt FROM workflow_runs WHERE repo_id = ? AND run_attempt > 1 ORDER BY run_attempt DESC LIMIT 1",
    ).get(repoId)!;
    expect(rerun).not.toBeNull();
    const res = await req(`${base}/runs/${rerun.id}/jobs`, { token });
    expect(res.status).toBe(200);
    const jobs = (await res.json()) as { id: number; run_id: number; job_index: number; needs_jobs: string[]; run_attempt: number; cancel_requested: boolean }[];
    const want = sql.query<{ id: number; needs_jobs: string }, [number, number]>(
      "SELECT id, needs_jobs FROM workflow_jobs WHERE run_id = ? AND run_attempt = ? ORDER BY job_index",
    ).all(rerun.id, rerun.run_attempt);
    expect(want.length).toBeGreaterThan(0);
    expect(jobs.map((j) => j.id)).toEqual(want.map((j) => j.id));
    expect(jobs.map((j) => j.needs_jobs)).toEqual(want.map((j) => JSON.parse(j.needs_jobs)));
    expect(jobs.every((j) => j.run_id === rerun.id && j.run_attempt === rerun.run_attempt && typeof j.cancel_requested === "boolean")).toBe(true);
    expect(res.headers.get("x-total-count")).toBe(String(want.length));
  });

  test("jobs paginate the same way", async () => {
    const run = sql.query<{ run_id: number; n: number }, [number]>(
      `SELECT j.run_id, count(*) AS n FROM workflow_jobs j JOIN workflow_runs r ON r.id = j.run_id AND j.run_attempt = r.run_attempt
       WHERE r.repo_id = ? GROUP BY j.run_id ORDER BY n DESC LIMIT 1`,
    ).get(repoId)!;
    expect(run.n).toBeGreaterThan(2);
    const first = await req(`${base}/runs/${run.run_id}/jobs?per_page=2`, { token });
    expect(((await first.json()) as unknown[]).length).toBe(2);
    expect(parseLink(first.headers.get("link")!).next).toContain("page=2");
  });
});

describe("names", () => {
  test("owner and repository names match case-insensitively", async () => {
    const res = await req("/api/v1/repos/ALICE/Hello-World/actions/runs?per_page=3", { token });
    expect(res.status).toBe(200);
    expect(((await res.json()) as ForgeRun[]).map((r) => r.id)).toEqual(expectedIds().slice(0, 3));
  });
});

export function parseLink(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.matchAll(/<([^>]+)>;\s*rel="([^"]+)"/g)) out[m[2]!] = m[1]!;
  return out;
}

describe("absolute URLs", () => {
  test("a Host under four characters still routes, and Link keeps that host", async () => {
    const { handle } = await testApp();
    const res = await handle(new Request(`http://git${base}/runs?per_page=5`, { headers: { authorization: `token ${token}` } }));
    expect(res.status).toBe(200);
    expect(parseLink(res.headers.get("link")!).next).toBe(`http://git${base}/runs?per_page=5&page=2`);
  });

  test("two short hosts asking for the same page each get Links to their own host (answers are remembered per URL as sent)", async () => {
    const { handle } = await testApp();
    for (const host of ["git", "ci", "git", "ci"]) {
      const res = await handle(new Request(`http://${host}${base}/runs?per_page=7`, { headers: { authorization: `token ${token}` } }));
      expect(parseLink(res.headers.get("link")!).next).toBe(`http://${host}${base}/runs?per_page=7&page=2`);
    }
  });

  test("a public URL with a path prefixes every Link", async () => {
    const { req } = await testApp({ publicUrl: "https://forge.example/actions" });
    const res = await req(`${base}/runs?per_page=5`, { token });
    expect(parseLink(res.headers.get("link")!).next).toBe(`https://forge.example/actions${base}/runs?per_page=5&page=2`);
  });
});
