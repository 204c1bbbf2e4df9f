// The reference a service without the SQLite copy would be: every request answered from
// the forge's PostgreSQL (token, repository and policy lookups, then the page and its
// count). Its JSON is the plain rows, cheaper than ours to build, so the comparison
// flatters PostgreSQL rather than us.
import { SQL } from "bun";
import { createHash } from "node:crypto";

const route = /^\/api\/v[13]\/repos\/([^/]+)\/([^/]+)\/actions\/runs(?:\/(\d+)(\/jobs)?)?$/;
const gitHubStatuses = new Set(["queued", "waiting", "completed", "in_progress"]);

export function startPostgresReference(url: string) {
  const sql = new SQL(url, { max: 16 });
  const notFound = () => Response.json({ message: "Not Found" }, { status: 404 });

  async function answer(req: Request): Promise<Response> {
    const u = new URL(req.url);
    const m = route.exec(u.pathname);
    if (!m) return notFound();
    const raw = (req.headers.get("authorization") ?? "").replace(/^(token|bearer)\s+/i, "");
    const hash = createHash("sha256").update(raw).digest("hex");
    const [user] = await sql`SELECT a.id, a.site_admin FROM personal_access_tokens t JOIN accounts a ON a.id = t.user_id
      WHERE t.token_hash = ${hash} AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()) AND a.suspended_at IS NULL`;
    if (!user) return Response.json({ message: "Bad credentials" }, { status: 401 });
    const [repo] = await sql`SELECT r.id, r.visibility, r.owner_id FROM repositories r JOIN accounts o ON o.id = r.owner_id
      WHERE lower(o.login) = lower(${m[1]!}) AND lower(r.name) = lower(${m[2]!}) AND r.deleted_at IS NULL AND r.actions_enabled`;
    if (!repo || (repo.visibility === "private" && !user.site_admin && repo.owner_id !== user.id)) return notFound();

    let body: unknown;
    if (m[3] === undefined) {
      const page = Math.max(1, Number(u.searchParams.get("page") ?? 1));
      const perPage = Math.min(100, Number(u.searchParams.get("per_page") ?? 30));
      const status = u.searchParams.get("status");
      const branch = u.searchParams.get("branch");
      const statusCol = status === null ? null : gitHubStatuses.has(status) ? "status" : "conclusion";
      const statusVal = status === "in_progress" ? "running" : status;
      const where = sql`repo_id = ${repo.id}
        ${branch !== null ? sql`AND head_ref = ${branch}` : sql``}
        ${statusCol === "status" ? sql`AND status = ${statusVal}` : statusCol === "conclusion" ? sql`AND conclusion = ${statusVal}` : sql``}`;
      const [{ total }] = await sql`SELECT count(*)::int AS total FROM workflow_runs WHERE ${where}`;
      const runs = await sql`SELECT r.*, a.login AS actor_login FROM workflow_runs r LEFT JOIN accounts a ON a.id = r.actor_id
        WHERE ${where} ORDER BY r.created_at DESC, r.id DESC LIMIT ${perPage} OFFSET ${(page - 1) * perPage}`;
      body = { total_count: total, workflow_runs: runs };
    } else {
      const [run] = await sql`SELECT r.*, a.login AS actor_login FROM workflow_runs r LEFT JOIN accounts a ON a.id = r.actor_id
        WHERE r.id = ${Number(m[3])} AND r.repo_id = ${repo.id}`;
      if (!run) return notFound();
      if (m[4]) {
        const jobs = await sql`SELECT j.*, (SELECT coalesce(json_agg(s ORDER BY s.number), '[]') FROM workflow_steps s WHERE s.job_id = j.id) AS steps
          FROM workflow_jobs j WHERE j.run_id = ${run.id} AND j.run_attempt = ${run.run_attempt} ORDER BY j.job_index`;
        body = { total_count: jobs.length, jobs };
      } else body = run;
    }
    const text = JSON.stringify(body);
    const etag = `W/"${createHash("sha1").update(text).digest("hex")}"`;
    if (req.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers: { etag } });
    return new Response(text, { headers: { "content-type": "application/json", etag } });
  }

  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: answer });
  return { server, close: async () => { server.stop(true); await sql.close(); } };
}
