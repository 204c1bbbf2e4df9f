// A deadline on producing a response. The query layer is synchronous, so a deadline cannot
// cut a query short; it bounds everything that waits (a busy database, a slow body), and the
// client gets a JSON 503 instead of a connection that hangs until the proxy gives up.

export const timedOut: unique symbol = Symbol("timed out");

export function withinDeadline<T>(pending: Promise<T>, ms: number): Promise<T | typeof timedOut> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms, timedOut);
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
