// The ceiling for any Bun service: Bun.serve answering each workload's URL with the very
// bytes (and headers) our service answered, from memory, and its 304 for a matching ETag.
export interface Recorded {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  /** The headers of the service's 304 for this URL. */
  notModified: Record<string, string>;
}

export function startCeiling(recorded: Map<string, Recorded>) {
  return Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const url = new URL(req.url);
      const hit = recorded.get(url.pathname + url.search);
      if (!hit) return new Response("not recorded", { status: 404 });
      const etag = hit.headers["etag"];
      if (etag && req.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers: hit.notModified });
      return new Response(hit.body as unknown as BodyInit, { status: hit.status, headers: hit.headers });
    },
  });
}
