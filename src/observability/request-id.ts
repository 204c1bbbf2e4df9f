// X-Request-Id: the caller's own id when it is short and plain (so a proxy's id follows the
// request through), otherwise one made here: a random prefix per process and a counter,
// unique across replicas and cheap to make.
const acceptable = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
// Web Crypto's: node:crypto would be loaded at start-up for this alone.
const processPrefix = crypto.randomUUID().slice(0, 8);
let sequence = 0;

export function requestIdFor(incoming: string | null): string {
  if (incoming !== null && acceptable.test(incoming)) return incoming;
  sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER;
  return `${processPrefix}-${sequence.toString(36)}`;
}
