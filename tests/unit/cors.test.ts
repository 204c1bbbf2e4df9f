// The CORS module alone: what a preflight gets, and which headers an answer gains, for any
// origin and for a list of origins.
import { describe, expect, test } from "bun:test";
import { corsPolicy } from "../../src/http/cors.ts";

const preflight = (origin: string | null, method = "OPTIONS", requestMethod: string | null = "GET") => {
  const headers: Record<string, string> = {};
  if (origin !== null) headers.origin = origin;
  if (requestMethod !== null) headers["access-control-request-method"] = requestMethod;
  return new Request("http://localhost/api/v3/user", { method, headers });
};

describe("any origin (the default, as GitHub's API)", () => {
  const cors = corsPolicy(null);

  test("a preflight gets 204 with what a page may send", () => {
    const res = cors.preflight(preflight("https://dash.example"))!;
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const allowed = res.headers.get("access-control-allow-headers")!.split(", ");
    expect(allowed).toContain("Authorization");
    expect(allowed).toContain("If-None-Match");
    expect(res.headers.get("access-control-allow-methods")).toContain("GET");
    expect(res.headers.has("access-control-allow-credentials")).toBe(false);
    expect(res.headers.has("vary")).toBe(false);
  });

  test("an OPTIONS without Origin or without Access-Control-Request-Method is no preflight", () => {
    expect(cors.preflight(preflight(null))).toBeNull();
    expect(cors.preflight(preflight("https://dash.example", "OPTIONS", null))).toBeNull();
    expect(cors.preflight(preflight("https://dash.example", "GET"))).toBeNull();
  });

  test("every answer exposes the headers clients read", () => {
    const res = cors.decorate(new Request("http://localhost/"), new Response("{}", { status: 401 }));
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const exposed = res.headers.get("access-control-expose-headers")!.split(", ");
    for (const h of ["ETag", "Link", "X-Total-Count", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Used", "X-RateLimit-Reset", "X-RateLimit-Resource", "X-Request-Id"]) {
      expect(exposed).toContain(h);
    }
  });

  test("an answer with immutable headers is copied, not lost", async () => {
    const served = await fetch("data:application/json,{}");
    const res = cors.decorate(new Request("http://localhost/"), served);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(await res.text()).toBe("{}");
  });
});

describe("a list of origins", () => {
  const cors = corsPolicy(["https://dash.example/", "http://localhost:3000"]);

  test("a listed origin is named back, and caches are told the answer depends on it", () => {
    const res = cors.decorate(new Request("http://localhost/", { headers: { origin: "https://DASH.example" } }), new Response("{}", { headers: { vary: "Accept" } }));
    expect(res.headers.get("access-control-allow-origin")).toBe("https://DASH.example");
    expect(res.headers.get("vary")).toBe("Accept, Origin");
    expect(cors.preflight(preflight("http://localhost:3000"))!.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
  });

  test("any other origin gets no CORS headers, and a preflight that grants nothing", () => {
    const res = cors.decorate(new Request("http://localhost/", { headers: { origin: "https://evil.example" } }), new Response("{}"));
    expect(res.headers.has("access-control-allow-origin")).toBe(false);
    expect(res.headers.has("access-control-expose-headers")).toBe(false);
    expect(res.headers.get("vary")).toBe("Origin");
    const pre = cors.preflight(preflight("https://evil.example"))!;
    expect(pre.status).toBe(204);
    expect(pre.headers.has("access-control-allow-origin")).toBe(false);
    expect(pre.headers.has("access-control-allow-headers")).toBe(false);
  });
});
