// Bad input of every kind gets a JSON error with the right status: never a 500, a stack
// trace or a hang.
import { beforeAll, describe, expect, test } from "bun:test";
import { testApp } from "../support/app.ts";

let req: Awaited<ReturnType<typeof testApp>>["req"];
beforeAll(async () => ({ req } = await testApp()));
const token = "demo_alice_repo";

async function expectJsonError(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/json");
  const body = await res.json() as { message: string; documentation_url: string };
  expect(typeof body.message).toBe("string");
  expect(typeof body.documentation_url).toBe("string");
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+|node_modules|Error:/);
}

describe("methods and paths", () => {
  for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
    test(`${method} on a runs path → 405 with Allow`, async () => {
      for (const path of ["/api/v1/repos/alice/hello-world/actions/runs", "/api/v1/repos/alice/hello-world/actions/runs/5/jobs"]) {
        const res = await req(path, { token, method });
        await expectJsonError(res, 405);
        expect(res.headers.get("allow")).toBe("GET, HEAD");
      }
    });
  }

  test("HEAD answers like GET without a body", async () => {
    const res = await req("/api/v1/repos/alice/hello-world/actions/runs", { token, method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  for (const path of ["/nope", "/api/v3/nope", "/api/v1", "/api/v1/repos/alice", "/api/v1/repos/alice/hello-world/actions/runs/1/jobs/2/steps"]) {
    test(`unknown path ${path} → JSON 404`, async () => {
      await expectJsonError(await req(path, { token }), 404);
    });
  }
});

describe("hostile input", () => {
  const runs = "/api/v1/repos/alice/hello-world/actions/runs";
  const notFound = { message: "Not Found", documentation_url: "https://docs.github.com/rest" };
  const invalid = (resource: string, field: string, message: string) => ({
    message: "Validation Failed", documentation_url: "https://docs.github.com/rest/actions/workflow-runs",
    errors: [{ resource, field, code: "invalid", message }],
  });
  /** What each answers: an empty listing, the same answer as a plain request, or an error body. */
  type Expected = { status: 200; empty: true } | { status: 200; sameAs: string } | { status: 404 | 422; body: unknown };
  const cases: [string, Expected][] = [
    // Values no run has: an empty page, never a match by accident (% is no wildcard).
    [`${runs}?head_ref=${encodeURIComponent("日本語/ブランチ")}`, { status: 200, empty: true }],
    [`${runs}?head_ref=%00%ff%fe`, { status: 200, empty: true }],
    [`${runs}?actor=%`, { status: 200, empty: true }],
    [`${runs}?event=${"x".repeat(20_000)}`, { status: 200, empty: true }],
    // Parameters the contract does not have are ignored; a repeated one counts once (the last).
    [`${runs}?${Array.from({ length: 500 }, (_, i) => `k${i}=v`).join("&")}`, { status: 200, sameAs: runs }],
    [`${runs}?status[]=queued`, { status: 200, sameAs: runs }],
    [`${runs}?created=%3E%3D2026`, { status: 200, sameAs: runs }],
    [`${runs}?per_page=1&per_page=2`, { status: 200, sameAs: `${runs}?per_page=2` }],
    // Integers are decimal digits, as GitHub reads them: not Number()'s 0x10 (see tests/e2e/strict-parsing.test.ts).
    [`${runs}?per_page=0x10`, { status: 422, body: invalid("WorkflowRun", "per_page", "per_page must be an integer") }],
    // Paths that name no repository: the 404 of a missing one.
    ["/api/v1/repos/%2e%2e/%2e%2e/actions/runs", { status: 404, body: notFound }],
    ["/api/v1/repos/alice%2fhello-world/x/actions/runs", { status: 404, body: notFound }],
    ["/api/v1/repos/alice/hello-world%00/actions/runs", { status: 404, body: notFound }],
    [`/api/v1/repos/${"a".repeat(5000)}/b/actions/runs`, { status: 404, body: notFound }],
    // Numbers that are not integers a page can have.
    [`${runs}?page=1e400`, { status: 422, body: invalid("WorkflowRun", "page", "page must be an integer") }],
    [`${runs}/1/jobs?page=NaN`, { status: 422, body: invalid("WorkflowJob", "page", "page must be an integer") }],
  ];
  for (const [path, expected] of cases) {
    test(`${expected.status}: ${path.slice(0, 90)}`, async () => {
      const res = await req(path, { token });
      expect(res.status).toBe(expected.status);
      expect(res.headers.get("content-type")).toContain("application/json");
      const body = await res.json();
      if ("empty" in expected) {
        expect(body).toEqual([]);
        expect(res.headers.get("x-total-count")).toBe("0");
      } else if ("sameAs" in expected) {
        const plain = await req(expected.sameAs, { token });
        expect((body as unknown[]).length).toBeGreaterThan(0);
        expect(body).toEqual(await plain.json());
        expect(res.headers.get("x-total-count")).toBe(plain.headers.get("x-total-count"));
      } else {
        expect(body).toEqual(expected.body);
      }
    });
  }
});
