// The headers a route put on Elysia's `set`, moved onto the Response made for it. A Response
// handed back to Elysia with headers still on `set` is copied to merge them: its headers into
// new Headers, its body read again through a stream, a second Response made. With none left
// on `set`, Elysia sends it as it is.

/**
 * `own` with every header the route set, which are then taken off `set`. As in Elysia's merge,
 * a header the Response sets itself (`own`) stands over the route's of the same name.
 */
export function handedOver(set: { headers: Record<string, unknown> }, own: Record<string, string>): Record<string, string> {
  const routeSet = set.headers;
  for (const name in routeSet) {
    const value = routeSet[name];
    if (value !== undefined && value !== null && !(name in own)) own[name] = String(value);
  }
  set.headers = {};
  return own;
}
