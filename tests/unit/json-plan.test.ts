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
import { deflateBlocks } from "../../src/http/encoding.ts";
import { blocksFromBytes, PlanWriter } from "../../src/http/json-plan.ts";

const utf8 = new TextEncoder();
const crc = (bytes: Uint8Array) => crc32(bytes);
/** The codec's deflate blocks, counted. */
let blocksMade = 0;
const blocks = (bytes: Uint8Array) => {
  blocksMade++;
  return deflateBlocks(bytes);
};

/**
 * The body and its gzip member, each checked against the text the steps were meant to spell
 * (given as pieces: each step's text is encoded on its own, so a lone surrogate ending one and
 * another beginning the next are two U+FFFD, as they are in TextEncoder's output for each).
 */
function written(plan: readonly PlanStep[], text: string | string[], writer = new PlanWriter()) {
  const body = writer.write(plan).slice();
  expect(body).toEqual(typeof text === "string" ? utf8.encode(text) : new Uint8Array(Buffer.concat(text.map((t) => utf8.encode(t)))));
  const bun = (globalThis as { Bun?: { gunzipSync(bytes: Uint8Array): Uint8Array } }).Bun;
  // Every large composite's first copy as literals, and as its own deflate blocks.
  const [gzipped, withBlocks] = [writer.gzip(plan, crc)!, writer.gzip(plan, crc, blocks)!];
  for (const member of [gzipped, withBlocks]) {
    expect(member).not.toBeNull();
    expect(new Uint8Array(gunzipSync(member))).toEqual(body);
    if (bun) expect(new Uint8Array(bun.gunzipSync(member))).toEqual(body);
  }
  return { body, gzipped, withBlocks };
}

/** A repository's JSON, as present/repository.ts writes one: its URL forty times, with other text between. */
function repositoryLike(n: number): { url: Repeated; json: Repeated } {
  const url = new Repeated(`https://forge.example/api/v3/repos/owner-${n}/repo-${n}`);
  const fields = Array.from({ length: 40 }, (_, i) => `"field_${i}_url":"${url.text}/part-${i}{/x}"`);
  return { url, json: Repeated.around(`{"id":${n},"name":"repo-${n}",${fields.join(",")}}`, url) };
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

  test("a large composite travels as its own deflate blocks, made once and carried by every answer after", () => {
    const { url, json } = repositoryLike(1);
    expect(json.text.length).toBeGreaterThan(blocksFromBytes);
    const writer = new PlanWriter();
    const before = blocksMade;
    for (let answer = 0; answer < 3; answer++) {
      const w = new JsonWriter();
      w.write`[{"run":${answer},"repository":${json},"head_repository":${json},"url":${url}/runs/${answer}"}]`;
      const text = `[{"run":${answer},"repository":${json.text},"head_repository":${json.text},"url":${url.text}/runs/${answer}"}]`;
      const { gzipped, withBlocks } = written(w.done().plan, text, writer);
      // zlib's level 9 finds what the steps do not mark: the field names' common text.
      expect(withBlocks.byteLength).toBeLessThan(gzipped.byteLength * 0.8);
    }
    // The blocks were made by the first answer's gzip, and kept with the composite.
    expect(blocksMade - before).toBe(1);
    expect(json.deflated).not.toBeNull();
  });

  test("blocks between literals and references, at every bit offset, then more text", () => {
    for (let lead = 0; lead < 9; lead++) {
      const { url, json } = repositoryLike(100 + lead);
      const other = repositoryLike(200 + lead).json;
      const w = new JsonWriter();
      // Literals of 1 to 9 bytes first, so the blocks begin at each offset within a byte.
      const head = "é".repeat(lead);
      w.write`${head}${json}${other}${url}${json}${"tail"}${other}`;
      written(w.done().plan, `${head}${json.text}${other.text}${url.text}${json.text}tail${other.text}`);
    }
  });

  test("a composite below blocksFromBytes is written as literals, and so is every answer of a codec without blocks", () => {
    const inner = new Repeated("http://h/u");
    const small = Repeated.around(`{"a":"http://h/u","b":"http://h/u/x"}`, inner);
    const w = new JsonWriter();
    w.write`${small}${small}`;
    const before = blocksMade;
    written(w.done().plan, `${small.text}${small.text}`);
    expect(blocksMade).toBe(before);
    expect(small.deflated).toBeNull();
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
        const large = repositoryLike(pool.length);
        const w = new JsonWriter();
        const text: string[] = [];
        for (const [pick, asRepeat, literal] of ops) {
          if (!asRepeat) {
            w.literal(literal);
            text.push(literal);
          } else if (composite !== null && pick % 5 === 0) {
            w.again(composite);
            text.push("[", inner.text, "|", inner.text, "]");
          } else if (pick % 7 === 0) {
            w.again(large.json);
            text.push(large.json.text);
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
