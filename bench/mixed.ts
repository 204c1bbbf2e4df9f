// The mixed workload: what many clients ask of a forge's CI history at once — dashboards
// listing the runs of every repository, bots reading second pages, filtered and deep pages,
// single runs and their jobs, and `gh run watch` polling with its ETag — one URL picked at
// random for every request. Built from the dataset itself: every repository the token may
// read with Actions enabled (at least 1,000 of them), each with its own URLs.
import { Database } from "bun:sqlite";

export interface MixedRequest {
  path: string;
  /** Polled with the ETag of its answer (If-None-Match), as gh run watch does. */
  conditional: boolean;
}

export interface Mix {
  requests: MixedRequest[];
  repositories: number;
  /** Distinct URLs (a polled URL is also asked plainly). */
  urls: number;
  /** One run of each of the ten repositories of the mix with the most runs, on no page the mix asks for: what a writer touches. */
  runsToTouch: number[];
}

export function mixedWorkload(dataset: string): Mix {
  const db = new Database(dataset, { readonly: true });
  try {
    const repos = db.query(`
      SELECT r.id, a.login AS owner, r.name, r.default_branch AS branch,
        (SELECT count(*) FROM workflow_runs w WHERE w.repo_id = r.id) AS runs,
        (SELECT w.id FROM workflow_runs w WHERE w.repo_id = r.id ORDER BY w.created_at DESC, w.id DESC LIMIT 1) AS latest
      FROM repositories r JOIN accounts a ON a.id = r.owner_id
      WHERE r.deleted_at IS NULL AND r.actions_enabled = 1 ORDER BY r.id`).all() as
      { id: number; owner: string; name: string; branch: string; runs: number; latest: number | null }[];
    const requests: MixedRequest[] = [];
    const add = (path: string, conditional = false) => requests.push({ path, conditional });
    for (const [i, r] of repos.entries()) {
      const v3 = `/api/v3/repos/${r.owner}/${r.name}/actions/runs`;
      const v1 = `/api/v1/repos/${r.owner}/${r.name}/actions/runs`;
      add(v3);
      add(`${v1}?page=2`);
      if (r.latest !== null) {
        add(`${v3}/${r.latest}`);
        add(`${v3}/${r.latest}/jobs`);
        // gh run watch on a quarter of the repositories' latest runs.
        if (i % 4 === 0) {
          add(`${v3}/${r.latest}`, true);
          add(`${v3}/${r.latest}/jobs`, true);
        }
      }
      // What gh run list -b main -s success asks, and a deep page, where there are enough runs.
      if (r.runs >= 60) {
        add(`${v3}?status=success&branch=${encodeURIComponent(r.branch)}`);
        add(`${v3}?page=${Math.max(2, Math.floor(r.runs / 30 / 2))}`);
      }
    }
    const byRuns = repos.filter((r) => r.runs >= 200).sort((a, b) => b.runs - a.runs);
    return {
      requests,
      repositories: repos.length,
      urls: new Set(requests.map((r) => r.path)).size,
      // The oldest run of each: on no page the mix asks for.
      runsToTouch: byRuns.slice(0, 10).map((r) =>
        (db.query("SELECT id FROM workflow_runs WHERE repo_id = ? ORDER BY created_at, id LIMIT 1").get(r.id) as { id: number }).id),
    };
  } finally {
    db.close();
  }
}
