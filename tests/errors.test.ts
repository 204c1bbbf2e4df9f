// Bad input of every kind gets a JSON error with the right status: never a 500, a stack
// trace or a hang.
import { beforeAll, describe, expect, test } from "bun:test";
import { testApp } from "./support/app.ts";

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
  const cases = [
    "/api/v1/repos/alice/hello-world/actions/runs?head_ref=" + encodeURIComponent("日本語/ブランチ"),
    "/api/v1/repos/alice/hello-world/actions/runs?head_ref=%00%ff%fe",
    "/api/v1/repos/alice/hello-world/actions/runs?actor=%",
    "/api/v1/repos/alice/hello-world/actions/runs?event=" + "x".repeat(20_000),
    "/api/v1/repos/alice/hello-world/actions/runs?" + Array.from({ length: 500 }, (_, i) => `k${i}=v`).join("&"),
    "/api/v1/repos/alice/hello-world/actions/runs?per_page=1&per_page=2",
    "/api/v1/repos/alice/hello-world/actions/runs?status[]=queued",
    "/api/v1/repos/%2e%2e/%2e%2e/actions/runs",
    "/api/v1/repos/alice%2fhello-world/x/actions/runs",
    "/api/v1/repos/alice/hello-world%00/actions/runs",
    "/api/v1/repos/" + "a".repeat(5000) + "/b/actions/runs",
    "/api/v1/repos/alice/hello-world/actions/runs?page=1e400",
    "/api/v1/repos/alice/hello-world/actions/runs?per_page=0x10",
    "/api/v1/repos/alice/hello-world/actions/runs/1/jobs?page=NaN",
    "/api/v1/repos/alice/hello-world/actions/runs?created=%3E%3D2026",
  ];
  for (const path of cases) {
    test(`no 5xx: ${path.slice(0, 90)}`, async () => {
      const res = await req(path, { token });
      expect(res.status).toBeLessThan(500);
      const text = await res.text();
      expect(() => JSON.parse(text)).not.toThrow();
    });
  }
});
