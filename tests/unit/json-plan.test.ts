// An answer written from its steps (src/api/serialized-json.ts, src/http/json-plan.ts): the body
// is the text the steps spell, as TextEncoder encodes it, and the gzip member made from the
// steps is that body to any gzip decoder (node:zlib's, and Bun's where it runs), whatever
// repeats and however far apart: the writer's back-references must land on the right bytes.
// Run under Deno too (npm run test:deno).
import { crc32, gunzipSync } from "node:zlib";
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { JsonWriter, Repeated, utf8Length } from "../../src/api/serialized-json.ts";
import type { PlanStep } from "../../src/api/serialized-json.ts";
import { PlanWriter } from "../../src/http/json-plan.ts";

const utf8 = new TextEncoder();
const crc = (bytes: Uint8Array) => crc32(bytes);

/**
 * The body and its gzip member, each checked against the text the steps were meant to spell
 * (given as pieces: each step's text is encoded on its own, so a lone surrogate ending one and
 * another beginning the next are two U+FFFD, as they are in TextEncoder's output for each).
 */
function written(plan: readonly PlanStep[], text: string | string[], writer = new PlanWriter()) {
  const body = writer.write(plan).slice();
  expect(body).toEqual(typeof text === "string" ? utf8.encode(text) : new Uint8Array(Buffer.concat(text.map((t) => utf8.encode(t)))));
  const gzipped = writer.gzip(plan, crc)!;
  expect(gzipped).not.toBeNull();
  expect(new Uint8Array(gunzipSync(gzipped))).toEqual(body);
  const bun = (globalThis as { Bun?: { gunzipSync(bytes: Uint8Array): Uint8Array } }).Bun;
  if (bun) expect(new Uint8Array(bun.gunzipSync(gzipped))).toEqual(body);
  return { body, gzipped };
}

describe("an answer written from its steps", () => {
  test("templates, values and repeats spell the text; what repeats travels as references, not again", () => {
    const url = new Repeated('"https://forge.example/api/v3/repos/o/r');
    const w = new JsonWriter();
    let text = "[";
    w.literal("[");
    for (let id = 1; id <= 200; id++) {
      if (id > 1) {
        w.literal(",");
        text += ",";
      }
      w.write`{"id":${id},"url":${url}/runs/${id}","jobs_url":${url}/runs/${id}/jobs","name":${JSON.stringify(`run ${id}`)}}`;
      text += `{"id":${id},"url":${url.text}/runs/${id}","jobs_url":${url.text}/runs/${id}/jobs","name":"run ${id}"}`;
    }
    w.literal("]");
    text += "]";
    const { body, gzipped } = written(w.done().plan, text);
    // Each run's fixed text and URL are references after the first: a few bytes a run.
    expect(gzipped.byteLength).toBeLessThan(body.byteLength / 4);
  });

  test("a composite's first copy is written by its steps, later copies whole", () => {
    const inner = new Repeated("http://h/users/octocat");
    const user = Repeated.around(`{"url":"http://h/users/octocat","repos_url":"http://h/users/octocat/repos"}`, inner);
    expect(user.byteLength).toBe(utf8Length(`{"url":"http://h/users/octocat","repos_url":"http://h/users/octocat/repos"}`));
    const w = new JsonWriter();
    w.write`{"actor":${user},"triggering_actor":${user},"x":${inner}}`;
    const text = `{"actor":{"url":"http://h/users/octocat","repos_url":"http://h/users/octocat/repos"},"triggering_actor":{"url":"http://h/users/octocat","repos_url":"http://h/users/octocat/repos"},"x":http://h/users/octocat}`;
    written(w.done().plan, text);
  });

  test("non-ASCII text, pairs and lone surrogates come out as TextEncoder writes them", () => {
    for (const s of ["é", "日本語のタイトル", "emoji 🎉 in a title", "lone \ud800 high", "lone \udc00 low", "end \ud83d", "x".repeat(47) + "é", "x".repeat(48) + "é"]) {
      expect(utf8Length(s)).toBe(utf8.encode(s).byteLength);
      const again = new Repeated(s);
      const w = new JsonWriter();
      w.write`${s}|${again}|${again}|${s}`;
      written(w.done().plan, `${s}|${s}|${s}|${s}`);
    }
  });

  test("a repeat further back than deflate's 32 KiB window, or longer than it, is sent as literals", () => {
    const far = new Repeated("a repeat that is written again only after 40 KB of other text");
    const huge = new Repeated("0123456789abcdef".repeat(2100)); // 33,600 bytes
    const w = new JsonWriter();
    const filler = "z".repeat(40_000);
    w.write`${far}${filler}${far}${huge}${huge}${far}`;
    written(w.done().plan, `${far.text}${filler}${far.text}${huge.text}${huge.text}${far.text}`);
  });

  test("copies of every length around deflate's longest match (258) and shortest (3)", () => {
    for (const n of [1, 2, 3, 4, 257, 258, 259, 260, 261, 515, 516, 517, 518, 1000]) {
      const r = new Repeated("q".repeat(n - 1) + "!");
      const w = new JsonWriter();
      w.write`<${r}>${r}${r}<`;
      written(w.done().plan, `<${r.text}>${r.text}${r.text}<`);
    }
  });

  test("the same Repeated in answer after answer, and the gzip of a plan not the one last written", () => {
    const shared = new Repeated('"shared text, in every answer"');
    const writer = new PlanWriter();
    const plans = [1, 2, 3].map((n) => {
      const w = new JsonWriter();
      w.write`{"n":${n},"a":${shared},"b":${shared}}`;
      return { plan: w.done().plan, text: `{"n":${n},"a":${shared.text},"b":${shared.text}}` };
    });
    for (const { plan, text } of plans) written(plan, text, writer);
    // Only the body last written can be encoded: any other plan is refused, not encoded wrong.
    expect(writer.gzip(plans[0]!.plan, crc)).toBeNull();
  });

  test("any plan: the body is its text, and gzip gives the body back (random plans)", () => {
    const texts = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: "binary", maxLength: 60 }),
      fc.string({ unit: fc.constantFrom("a", "é", "日", "🎉", "\ud800", "\udc00", '"', "\\"), maxLength: 300 }),
      fc.integer({ min: 250, max: 600 }).map((n) => "r".repeat(n)),
    );
    fc.assert(fc.property(fc.array(texts, { minLength: 1, maxLength: 6 }), fc.array(fc.tuple(fc.nat(), fc.boolean(), texts), { maxLength: 120 }),
      (pool, ops) => {
        const repeats = pool.map((t) => new Repeated(t));
        const inner = repeats[0]!;
        const composite = inner.text === "" ? null : Repeated.around(`[${inner.text}|${inner.text}]`, inner);
        const w = new JsonWriter();
        const text: string[] = [];
        for (const [pick, asRepeat, literal] of ops) {
          if (!asRepeat) {
            w.literal(literal);
            text.push(literal);
          } else if (composite !== null && pick % 5 === 0) {
            w.again(composite);
            text.push("[", inner.text, "|", inner.text, "]");
          } else {
            const r = repeats[pick % repeats.length]!;
            w.write`(${r})`;
            text.push("(", r.text, ")");
          }
        }
        written(w.done().plan, text);
      }), { numRuns: Number(process.env.PLAN_RUNS ?? 300) });
  });
});
