// The auth chain's lookups (tokens, repositories, memberships) are remembered under the facts
// version, which moves only when what they read is written; the data version moves with every
// commit. Both are counters: a route that looked a repository up under the data version filed
// it where a request at an equal facts version would find it, after the repository had
// changed. Every route asks under the facts version; this walks the sequence that showed it.
import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { testApp } from "../support/app.ts";
import { seededCopy } from "../support/db.ts";

/** A service of its own on a copy of its own, and a writer beside it: the versions start where a new service's do. */
async function freshService() {
  const path = await seededCopy();
  const served = await testApp({ db: path });
  const writer = new Database(path);
  writer.run("PRAGMA busy_timeout = 5000");
  return { served, writer, close: () => (writer.close(), served.close()) };
}
let served: Awaited<ReturnType<typeof testApp>>;
let writer: Database;

const asCarol = (p: string, init: RequestInit = {}) =>
  served.handle(new Request(`http://localhost${p}`, { ...init, headers: { authorization: "token demo_carol_read", ...init.headers } }));
/** A commit that changes only a run: the data version moves, the facts version does not. */
const runOnly = () => writer.run("UPDATE workflow_runs SET display_title = display_title || '.' WHERE id = (SELECT max(id) FROM workflow_runs)");
const visibility = (v: string) => writer.run("UPDATE repositories SET visibility = ? WHERE name = 'hello-world'", [v]);
const runs = "/api/v3/repos/alice/hello-world/actions/runs?per_page=1";

const routes: [string, () => Promise<Response>][] = [
  ["GET /repos/{owner}/{repo}", () => asCarol("/api/v3/repos/alice/hello-world")],
  ["GraphQL repository", () => asCarol("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: '{ repository(owner: "alice", name: "hello-world") { name } }' }),
  })],
];

for (const [name, lookUp] of routes) {
  test(`a repository made private is hidden at once, after ${name} looked it up`, async () => {
    const service = await freshService();
    ({ served, writer } = service);
    try {
      for (let commits = 0; commits < 4; commits++) {
        visibility("public");
        expect((await asCarol(runs)).status, name).toBe(200);
        for (let i = 0; i < commits; i++) runOnly();
        // The route looks the public repository up, then it is made private.
        expect((await lookUp()).status, name).toBe(200);
        visibility("private");
        const answer = await asCarol(runs);
        expect({ commits, status: answer.status }).toEqual({ commits, status: 404 });
      }
    } finally {
      service.close();
    }
  });
}
