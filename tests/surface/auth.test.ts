// The auth chain: token (401) → scope (403) → ActionRepoRead (404, indistinguishable from a
// repository that does not exist), and that it is decided before any parameter is judged.
import { beforeAll, describe, expect, test } from "bun:test";
import { testApp } from "../support/app.ts";

let req: Awaited<ReturnType<typeof testApp>>["req"];
beforeAll(async () => ({ req } = await testApp()));

const runs = (repo: string, query = "") => `/api/v1/repos/${repo}/actions/runs${query}`;

describe("token", () => {
  test("no Authorization header → 401", async () => {
    const res = await req(runs("alice/hello-world"));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ message: "Requires authentication" });
  });

  test("an empty Authorization header (what gh sends without a token) → 401", async () => {
    expect((await req(runs("alice/hello-world"), { headers: { authorization: "" } })).status).toBe(401);
  });

  for (const [label, header] of [
    ["unknown token", "token not-a-real-token"],
    ["malformed scheme", "Basic YWxpY2U6cGFzcw=="],
    ["token with spaces", "token a b"],
    ["expired", "token demo_alice_expired"],
    ["revoked", "token demo_alice_revoked"],
    ["suspended owner", "token demo_dave_read"],
  ] as const) {
    test(`${label} → 401 Bad credentials`, async () => {
      const res = await req(runs("alice/hello-world"), { headers: { authorization: header } });
      expect(res.status).toBe(401);
      const body = await res.json() as { message: string; documentation_url: string };
      expect(body.message).toMatch(/Bad credentials|Requires authentication/);
      expect(body.documentation_url).toStartWith("https://");
    });
  }

  test("Bearer works as well as token; the scheme is case-insensitive", async () => {
    for (const h of ["Bearer demo_alice_read", "bearer demo_alice_read", "TOKEN demo_alice_read"]) {
      expect((await req(runs("alice/hello-world"), { headers: { authorization: h } })).status).toBe(200);
    }
  });

  test("a token that expires in the future is valid", async () => {
    expect((await req(runs("alice/hello-world"), { token: "demo_alice_future" })).status).toBe(200);
  });
});

describe("scope", () => {
  test("a token without repo:read (or a scope implying it) → 403 with the accepted scopes", async () => {
    const res = await req(runs("alice/hello-world"), { token: "demo_alice_user" });
    expect(res.status).toBe(403);
    expect(res.headers.get("x-accepted-oauth-scopes")).toBe("repo:read, repo:write, repo");
    expect(res.headers.get("x-oauth-scopes")).toBe("user:read, gist");
  });

  for (const token of ["demo_alice_read", "demo_alice_write", "demo_alice_repo"]) {
    test(`${token} implies repo:read`, async () => {
      const res = await req(runs("alice/hello-world"), { token });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-oauth-scopes")).not.toBeNull();
    });
  }
});

describe("ActionRepoRead", () => {
  const visible: [string, string][] = [
    ["demo_frank_read", "alice/hello-world"],      // public
    ["demo_frank_read", "octo-org/platform"],      // internal: any signed-in user
    ["demo_alice_read", "alice/secret-project"],   // owner
    ["demo_bob_read", "alice/secret-project"],     // collaborator
    ["demo_carol_read", "octo-org/infra"],         // org member
    ["demo_alice_read", "octo-org/infra"],         // org owner
    ["demo_erin_admin", "frank/dotfiles"],         // site admin
    ["demo_frank_read", "frank/dotfiles"],         // owner
  ];
  for (const [token, repo] of visible) {
    test(`${token} may read ${repo}`, async () => {
      expect((await req(runs(repo), { token })).status).toBe(200);
    });
  }

  const hidden: [string, string][] = [
    ["demo_frank_read", "alice/secret-project"],   // private, no relation
    ["demo_carol_read", "alice/secret-project"],
    ["demo_bob_read", "octo-org/infra"],           // private org repo, not a member
    ["demo_alice_read", "frank/dotfiles"],
    ["demo_erin_admin", "acme/website"],           // Actions disabled: hidden from everyone
    ["demo_alice_repo", "acme/website"],
    ["demo_alice_repo", "alice/old-stuff"],        // deleted
  ];
  for (const [token, repo] of hidden) {
    test(`${token} gets, for ${repo}, exactly the 404 of a repository that does not exist`, async () => {
      for (const path of ["", "/1", "/1/jobs"]) {
        const hiddenRes = await req(`/api/v1/repos/${repo}/actions/runs${path}`, { token });
        const missingRes = await req(`/api/v1/repos/nobody/no-such-repo/actions/runs${path}`, { token });
        expect(hiddenRes.status).toBe(404);
        expect(await hiddenRes.text()).toBe(await missingRes.text());
        // Every header but the request's own id, which no two answers share.
        const headers = (r: Response) => [...r.headers.entries()].filter(([name]) => name !== "x-request-id");
        expect(headers(hiddenRes)).toEqual(headers(missingRes));
        expect(hiddenRes.headers.get("x-request-id")).not.toBe(missingRes.headers.get("x-request-id"));
      }
    });
  }
});

describe("order: the chain answers before validation", () => {
  const bad = "?per_page=abc&status=nope";
  test("no token + bad parameters → 401", async () => {
    expect((await req(runs("alice/hello-world", bad))).status).toBe(401);
  });
  test("wrong scope + bad parameters → 403", async () => {
    expect((await req(runs("alice/hello-world", bad), { token: "demo_alice_user" })).status).toBe(403);
  });
  test("hidden repository + bad parameters → the same 404 as a missing one", async () => {
    const hidden = await req(runs("alice/secret-project", bad), { token: "demo_frank_read" });
    const missing = await req(runs("nobody/nothing", bad), { token: "demo_frank_read" });
    expect(hidden.status).toBe(404);
    expect(await hidden.text()).toBe(await missing.text());
  });
  test("allowed + bad parameters → 422", async () => {
    expect((await req(runs("alice/hello-world", bad), { token: "demo_alice_read" })).status).toBe(422);
  });
});
