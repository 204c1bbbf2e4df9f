// What the service learns about a request while answering it (its id, the route pattern it
// matched, who sent it), kept beside the Request for the log line and the metrics.
import { Elysia } from "elysia";

export interface RequestRecord {
  id: string;
  /** The matched route's pattern, e.g. /api/v1/repos/:owner/:repo/actions/runs; null when none matched. */
  route: string | null;
  /** The token holder's login; null without a valid token. */
  login: string | null;
}

const records = new WeakMap<Request, RequestRecord>();

export function keepRecord(request: Request, record: RequestRecord): void {
  records.set(request, record);
}

export function recordOf(request: Request): RequestRecord | undefined {
  return records.get(request);
}

/** Notes the matched route on the record. Global, and registered before the routes, so it runs before their auth. */
export function routeCapture() {
  return new Elysia().onTransform({ as: "global" }, ({ request, route }) => {
    const record = records.get(request);
    if (record !== undefined) record.route = route;
  });
}
