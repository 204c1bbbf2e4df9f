// The reference a service without the SQLite copy would be: every request answered from
// the forge's PostgreSQL (token, repository and policy lookups, then the page and its
// count, or the run and its jobs with their steps). It then answers with the very bytes the
// service answered for that URL, as the ceiling does, so all three targets put the same
// bytes on the wire; it is spared building them, which flatters PostgreSQL rather than us.
import { SQL } from "bun";
import { createHash } from "node:crypto";
import type { Recorded } from "./ceiling.ts";

const route = /^\/api\/v[13]\/repos\/([^/]+)\/([^/]+)\/actions\/runs(?:\/(\d+)(\/jobs)?)?$/;
const gitHubStatuses = new Set(["queued", "waiting", "completed", "in_progress"]);

export function startPostgresReference(url: string, recorded: Map<string, Recorded>) {
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
      await sql`SELECT count(*)::int AS total FROM workflow_runs WHERE ${where}`;
      await sql`SELECT r.*, a.login AS actor_login FROM workflow_runs r LEFT JOIN accounts a ON a.id = r.actor_id
        WHERE ${where} ORDER BY r.created_at DESC, r.id DESC LIMIT ${perPage} OFFSET ${(page - 1) * perPage}`;
    } else {
      const [run] = await sql`SELECT r.*, a.login AS actor_login FROM workflow_runs r LEFT JOIN accounts a ON a.id = r.actor_id
        WHERE r.id = ${Number(m[3])} AND r.repo_id = ${repo.id}`;
      if (!run) return notFound();
      if (m[4]) {
        await sql`SELECT j.*, (SELECT coalesce(json_agg(s ORDER BY s.number), '[]') FROM workflow_steps s WHERE s.job_id = j.id) AS steps
          FROM workflow_jobs j WHERE j.run_id = ${run.id} AND j.run_attempt = ${run.run_attempt} ORDER BY j.job_index`;
      }
    }
    const answer = recorded.get(u.pathname + u.search);
    if (!answer) return notFound();
    const etag = answer.headers["etag"];
    if (etag && req.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers: answer.notModified });
    return new Response(answer.body as unknown as BodyInit, { status: answer.status, headers: answer.headers });
  }

  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: answer });
  return { server, close: async () => { server.stop(true); await sql.close(); } };
}
