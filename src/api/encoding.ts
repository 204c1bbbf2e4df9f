// gzip for large JSON answers, to clients that accept it (gh and Octokit both do). A runs
// page of the GitHub surface is about 100 KB of repetitive JSON; gzip-encoded it is a tenth
// of that, and on such pages the transfer, not the lookup, is what a request costs.
import { gzipSync } from "node:zlib";

/** Smaller bodies travel as they are: below this, gzip saves too little to pay for itself. */
export const gzipFromBytes = 1024;

/** Does Accept-Encoding allow gzip (`gzip`, `x-gzip` or `*`, with a q-value above 0)? */
export function acceptsGzip(header: string | null): boolean {
  if (header === null || header === "") return false;
  if (header === "gzip" || header === "gzip, deflate" || header === "gzip, deflate, br") return true;
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    if (name !== "gzip" && name !== "x-gzip" && name !== "*") continue;
    const q = params.find((p) => p.startsWith("q="));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

/** gzip at a level that costs about a millisecond for a 100 KB page. */
export function gzip(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(gzipSync(bytes, { level: 6 }));
}
