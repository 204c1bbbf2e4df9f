// A record's JSON as a Repeated, kept per record object and surface: the store keeps one
// record object per repository or account for as long as nothing the auth chain reads was
// written (versioned-cache.ts), so what is kept lives exactly as long as the facts it was
// made of. Used for the repository (repository.ts) and the runs' actors (account.ts).
import type { Repeated } from "../../serialized-json.ts";
import type { SurfaceUrls } from "../urls.ts";

/** Surfaces a record keeps its text for (hosts and prefixes a request can name, behind --trust-proxy). */
const surfacesPerRecord = 4;

/** `make`'s Repeated for a record and surface, made once for as long as the record object stands. */
export function keptPerSurface<R extends object>(make: (record: R, surface: SurfaceUrls) => Repeated): (record: R, surface: SurfaceUrls) => Repeated {
  const kept = new WeakMap<R, Map<string, Repeated>>();
  return (record, surface) => {
    const key = `${surface.api}\n${surface.html}`;
    let bySurface = kept.get(record);
    if (bySurface === undefined) kept.set(record, (bySurface = new Map()));
    let json = bySurface.get(key);
    if (json === undefined) {
      json = make(record, surface);
      if (bySurface.size >= surfacesPerRecord) bySurface.clear();
      bySurface.set(key, json);
    }
    return json;
  };
}
