// The ETag digest, gzip and the token hash, in the executable's codec and the portable one: a tag changes
// with any byte of the answer and only with it, and gzip gives back the bytes it was given.
import { gunzipSync } from "node:zlib";
import { describe, expect, test } from "bun:test";
import { entityTag } from "../../src/http/conditional.ts";
import { gzipLevel, portableCodec } from "../../src/http/encoding.ts";
import { bunCodec } from "../../src/runtime/bun/codec.ts";

const page = new TextEncoder().encode(JSON.stringify({ total_count: 3, workflow_runs: Array.from({ length: 300 }, (_, i) => ({ id: i, status: "completed" })) }));

for (const [name, codec] of [["the executable's codec", bunCodec], ["the portable codec", portableCodec]] as const) {
  describe(name, () => {
    test("the same bytes, the same tag; any byte changed, another tag", () => {
      const tag = entityTag(page, {}, codec.digest);
      expect(tag).toMatch(/^W\/"[0-9a-f]{32,40}"$/);
      expect(entityTag(page.slice(), {}, codec.digest)).toBe(tag);
      const seen = new Set([tag]);
      for (const at of [0, 1, 4096, page.length >> 1, page.length - 1]) {
        const changed = page.slice();
        changed[at]! ^= 1;
        seen.add(entityTag(changed, {}, codec.digest));
      }
      expect(seen.size).toBe(6);
      expect(entityTag(page.subarray(0, page.length - 1), {}, codec.digest)).not.toBe(tag);
    });

    test("Link and X-Total-Count are part of the tag", () => {
      const plain = entityTag(page, {}, codec.digest);
      const linked = entityTag(page, { link: '<http://h/x?page=2>; rel="next"' }, codec.digest);
      const counted = entityTag(page, { "x-total-count": "3" }, codec.digest);
      expect(new Set([plain, linked, counted, entityTag(page, { "x-total-count": "4" }, codec.digest)]).size).toBe(4);
    });

    test("gzip gives back the bytes, smaller, and smaller still at the level answers are remembered at", () => {
      const sent = codec.gzip(page, gzipLevel.sent);
      const remembered = codec.gzip(page, gzipLevel.remembered);
      expect(sent.byteLength).toBeLessThan(page.byteLength / 4);
      expect(remembered.byteLength).toBeLessThan(sent.byteLength);
      expect(new Uint8Array(gunzipSync(sent))).toEqual(page);
      expect(new Uint8Array(gunzipSync(remembered))).toEqual(page);
    });

    test("a token's hash is the forge's: lowercase hex SHA-256 of its UTF-8 bytes", () => {
      // FIPS 180-2's test vector, the demo token's hash as the seed stores it, and tokens of every
      // length around SHA-256's block (55, 56, 64 bytes) with characters of two to four bytes.
      expect(codec.tokenHash("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
      const tokens = ["demo_alice_repo", "", "é", "トークン", "😀".repeat(9), ...[1, 55, 56, 63, 64, 65, 200].map((n) => "t".repeat(n))];
      for (const token of tokens) {
        expect(codec.tokenHash(token)).toBe(new Bun.CryptoHasher("sha256").update(new TextEncoder().encode(token)).digest("hex"));
      }
    });
  });
}
