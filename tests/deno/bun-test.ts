// bun:test under Deno, so that each test file exists once: `npm run test:deno` maps "bun:test"
// here (tests/deno/import-map.json). describe/test/hooks onto Deno.test, one Deno test per
// test, run in the order they were declared; expect is Jest's (the `expect` package), which
// bun:test's follows, with the two matchers Bun adds that the tests use.
import { expect as jestExpect } from "expect";
import { cleanUpEverything } from "../support/temp.ts";

// What bunfig.toml's preload (tests/support/cleanup.ts) does under bun test: when the run
// ends, the folders and processes the tests shared or left are removed.
globalThis.addEventListener("unload", cleanUpEverything);

type Fn = () => void | Promise<void>;

interface Suite {
  name: string;
  parent: Suite | null;
  beforeAll: Fn[];
  afterAll: Fn[];
  beforeEach: Fn[];
  afterEach: Fn[];
  /** Tests declared in this suite or below, and how many of them have run. */
  tests: number;
  ran: number;
  started: boolean;
  skipped: boolean;
}

const root: Suite = { name: "", parent: null, beforeAll: [], afterAll: [], beforeEach: [], afterEach: [], tests: 0, ran: 0, started: false, skipped: false };
let current = root;

function chain(suite: Suite): Suite[] {
  const out: Suite[] = [];
  for (let s: Suite | null = suite; s; s = s.parent) out.unshift(s);
  return out;
}

function withTimeout<T>(p: Promise<T>, ms: number | undefined, name: string): Promise<T> {
  if (!ms) return p;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${name}: timed out after ${ms} ms`)), ms))),
  ]);
}

function declare(name: string, fn: Fn | undefined, options: { skip?: boolean; timeout?: number }): void {
  const suite = current;
  const suites = chain(suite);
  const skip = options.skip || fn === undefined || suites.some((s) => s.skipped);
  if (!skip) for (const s of suites) s.tests++;
  const fullName = [...suites.map((s) => s.name).filter(Boolean), name].join(" › ");
  Deno.test({
    name: fullName,
    ignore: skip,
    // Servers and databases opened in beforeAll live across tests, as under bun:test.
    sanitizeOps: false,
    sanitizeResources: false,
    sanitizeExit: false,
    async fn() {
      for (const s of suites) {
        if (!s.started) {
          s.started = true;
          for (const h of s.beforeAll) await h();
        }
      }
      try {
        for (const s of suites) for (const h of s.beforeEach) await h();
        await withTimeout(Promise.resolve().then(fn!), options.timeout, fullName);
      } finally {
        for (const s of [...suites].reverse()) for (const h of s.afterEach) await h();
        for (const s of [...suites].reverse()) {
          if (++s.ran === s.tests) for (const h of s.afterAll) await h();
        }
      }
    },
  });
}

type TestOptions = number | { timeout?: number };
const timeoutOf = (o: TestOptions | undefined) => (typeof o === "number" ? o : o?.timeout);

interface TestFunction {
  (name: string, fn?: Fn, options?: TestOptions): void;
  skip(name: string, fn?: Fn, options?: TestOptions): void;
  skipIf(condition: unknown): (name: string, fn?: Fn, options?: TestOptions) => void;
  if(condition: unknown): (name: string, fn?: Fn, options?: TestOptions) => void;
}

export const test: TestFunction = Object.assign(
  (name: string, fn?: Fn, options?: TestOptions) => declare(name, fn, { timeout: timeoutOf(options) }),
  {
    skip: (name: string, fn?: Fn, options?: TestOptions) => declare(name, fn, { skip: true, timeout: timeoutOf(options) }),
    skipIf: (condition: unknown) => (name: string, fn?: Fn, options?: TestOptions) => declare(name, fn, { skip: Boolean(condition), timeout: timeoutOf(options) }),
    if: (condition: unknown) => (name: string, fn?: Fn, options?: TestOptions) => declare(name, fn, { skip: !condition, timeout: timeoutOf(options) }),
  },
);
export const it = test;

function suite(name: string, body: () => void, skipped: boolean): void {
  const s: Suite = { name, parent: current, beforeAll: [], afterAll: [], beforeEach: [], afterEach: [], tests: 0, ran: 0, started: false, skipped };
  const outer = current;
  current = s;
  try {
    body();
  } finally {
    current = outer;
  }
}

interface DescribeFunction {
  (name: string, body: () => void): void;
  skip(name: string, body: () => void): void;
  skipIf(condition: unknown): (name: string, body: () => void) => void;
  if(condition: unknown): (name: string, body: () => void) => void;
}

export const describe: DescribeFunction = Object.assign((name: string, body: () => void) => suite(name, body, false), {
  skip: (name: string, body: () => void) => suite(name, body, true),
  skipIf: (condition: unknown) => (name: string, body: () => void) => suite(name, body, Boolean(condition)),
  if: (condition: unknown) => (name: string, body: () => void) => suite(name, body, !condition),
});

export const beforeAll = (fn: Fn) => void current.beforeAll.push(fn);
export const afterAll = (fn: Fn) => void current.afterAll.push(fn);
export const beforeEach = (fn: Fn) => void current.beforeEach.push(fn);
export const afterEach = (fn: Fn) => void current.afterEach.push(fn);

jestExpect.extend({
  toStartWith(received: unknown, prefix: string) {
    const pass = typeof received === "string" && received.startsWith(prefix);
    return { pass, message: () => `expected ${JSON.stringify(received)} ${pass ? "not " : ""}to start with ${JSON.stringify(prefix)}` };
  },
  toEndWith(received: unknown, suffix: string) {
    const pass = typeof received === "string" && received.endsWith(suffix);
    return { pass, message: () => `expected ${JSON.stringify(received)} ${pass ? "not " : ""}to end with ${JSON.stringify(suffix)}` };
  },
});

/** bun:test's expect(value, message): the message heads the failure of any matcher. */
function labelled<T extends object>(matchers: T, message: string): T {
  return new Proxy(matchers, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (typeof v === "function") {
        return (...args: unknown[]) => {
          try {
            const r = v.apply(target, args);
            return r instanceof Promise ? r.catch((e: Error) => Promise.reject(relabel(e, message))) : r;
          } catch (e) {
            throw relabel(e as Error, message);
          }
        };
      }
      return v !== null && typeof v === "object" ? labelled(v, message) : v;
    },
  });
}

function relabel(e: Error, message: string): Error {
  e.message = `${message}\n${e.message}`;
  return e;
}

const withMessage = (value: unknown, message?: string) =>
  message === undefined ? jestExpect(value) : labelled(jestExpect(value), message);

export const expect = Object.assign(withMessage, jestExpect) as unknown as typeof import("bun:test").expect;
