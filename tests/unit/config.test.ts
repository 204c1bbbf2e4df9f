// Configuration is read once into typed objects: defaults from src/defaults.ts, every
// mistake a UsageError naming the flag, and the README's table equal to the flag table.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { serveCommand } from "../../src/config/commands.ts";
import { seedConfig, serveConfig, syncConfig } from "../../src/config/index.ts";
import { UsageError, optionsTable, usage } from "../../src/config/options.ts";
import { defaults } from "../../src/defaults.ts";
import { defaultLimits } from "../../src/limits/config.ts";
import { withoutSyncFrom } from "../../src/commands/supervise.ts";

describe("serve", () => {
  test("with nothing given: the defaults, in their units", () => {
    const config = serveConfig([], {});
    expect(config).toMatchObject({
      db: undefined, host: defaults.host, port: defaults.port, shutdownGraceSeconds: defaults.shutdownGraceSeconds,
      responseCacheBytes: defaults.responseCacheMib * 1024 * 1024, log: { level: "info", format: "auto" },
    });
    expect(config.limits).toEqual(defaultLimits);
    expect(config.limits.requestTimeoutMs).toBe(defaults.limits.requestTimeoutSeconds * 1000);
  });

  test("a unix socket alone listens on no TCP port; a public URL loses its trailing slash", () => {
    expect(serveConfig(["--unix-socket", "/tmp/x.sock"], {}).port).toBeUndefined();
    expect(serveConfig(["--unix-socket", "/tmp/x.sock", "--port", "0"], {}).port).toBe(0);
    expect(serveConfig(["--public-url", "https://forge.example/ci/"], {}).publicUrl).toBe("https://forge.example/ci");
  });

  const refused: [string[], Record<string, string>, string][] = [
    [["--tls-cert", "package.json"], {}, "--tls-cert and --tls-key go together"],
    [["--tls-cert", "no-such.pem", "--tls-key", "no-such.pem"], {}, "cannot read no-such.pem"],
    [["--tls-cert", "package.json", "--tls-key", "package.json", "--unix-socket", "/tmp/s"], {}, "--tls-cert needs a TCP --port"],
    [["--public-url", "forge.example"], {}, "--public-url must be an http(s) URL"],
    [["--sync-from", "postgres://x@y/z"], {}, "--sync-from needs --db FILE"],
    [[], { ACTIONS_RUNS_LOG_LEVEL: "loud" }, "--log-level must be one of debug, info, warn, error, not 'loud'"],
    [["--log-format", "xml"], {}, "--log-format must be auto, json or text, not 'xml'"],
    [["--port", "http"], {}, "--port must be a whole number, not 'http'"],
    [[], { ACTIONS_RUNS_PORT: "70000" }, "ACTIONS_RUNS_PORT must be from 0 to 65535, not 70000"],
    [["--bogus"], {}, "unknown option --bogus for 'serve'"],
    [["--workers", "0"], {}, "--workers must be from 1 to 256, not 0"],
    [["--workers", "2", "--unix-socket", "/tmp/s"], {}, "a unix socket is served by one process (--workers 1)"],
    [["--workers", "2"], { ACTIONS_RUNS_WORKER: "2" }, "ACTIONS_RUNS_WORKER is set by serve --workers for its workers, not '2'"],
    [[], { ACTIONS_RUNS_WORKER: "0" }, "ACTIONS_RUNS_WORKER is set by serve --workers for its workers, not '0'"],
  ];
  for (const [argv, env, message] of refused) {
    test(`${[...argv, ...Object.entries(env).map(([k, v]) => `${k}=${v}`)].join(" ")} → ${message}`, () => {
      expect(() => serveConfig(argv, env)).toThrow(UsageError);
      expect(() => serveConfig(argv, env)).toThrow(message);
    });
  }

  test("--workers: unset means the default (decided by the entry); a worker knows its number", () => {
    expect(serveConfig([], {}).workers).toBeUndefined();
    expect(serveConfig([], { ACTIONS_RUNS_WORKERS: "3" }).workers).toBe(3);
    expect(serveConfig(["--unix-socket", "/tmp/s", "--workers", "1"], {}).workers).toBe(1);
    expect(serveConfig(["--workers", "2"], { ACTIONS_RUNS_WORKER: "1" })).toMatchObject({ workers: 2, worker: 1 });
    expect(serveConfig(["--workers", "2"], {}).worker).toBeUndefined();
  });

  test("only worker 0 is given --sync-from", () => {
    expect(withoutSyncFrom(["--db", "f", "--sync-from", "postgres://r@h/f", "--port", "0"])).toEqual(["--db", "f", "--port", "0"]);
    expect(withoutSyncFrom(["--sync-from=postgres://r@h/f", "--db", "f"])).toEqual(["--db", "f"]);
    expect(withoutSyncFrom(["--db", "f"])).toEqual(["--db", "f"]);
  });

  test("a flag wins over its variable", () => {
    expect(serveConfig(["--port", "9001"], { ACTIONS_RUNS_PORT: "9002" }).port).toBe(9001);
    expect(serveConfig([], { ACTIONS_RUNS_PORT: "9002" }).port).toBe(9002);
  });
});

describe("seed and sync", () => {
  test("seed: exactly one target; sizes default to the demo's", () => {
    expect(seedConfig(["--out", "x.sqlite"], {})).toEqual({ target: { out: "x.sqlite" }, sizes: { ...defaults.seed } });
    expect(() => seedConfig([], {})).toThrow("seed needs exactly one of --out FILE or --postgres URL");
    expect(() => seedConfig(["--out", "a", "--postgres", "b"], {})).toThrow("exactly one");
  });

  test("sync: both ends are needed; it logs as serve does by default", () => {
    expect(syncConfig(["--from", "postgres://r@h/f", "--db", "x.sqlite", "--once"], {}))
      .toEqual({ from: "postgres://r@h/f", db: "x.sqlite", once: true, log: { level: "info", format: "auto" } });
    expect(() => syncConfig(["--from", "postgres://r@h/f"], {})).toThrow("sync needs --from URL and --db FILE");
  });
});

describe("documentation", () => {
  test("the README's configuration table is the flag table", () => {
    const readme = readFileSync(join(import.meta.dir, "..", "..", "README.md"), "utf8");
    const table = /<!-- configuration:start -->\n([\s\S]*?)\n<!-- configuration:end -->/.exec(readme)?.[1];
    expect(table, "README.md has no configuration table between its markers").toBeDefined();
    expect(table).toBe(optionsTable(serveCommand));
  });

  test("--help names every flag, its variable and its default", () => {
    const help = usage("actions-runs", serveCommand);
    for (const [name, opt] of Object.entries(serveCommand.options)) {
      expect(help).toContain(`--${name}`);
      if (opt.env) expect(help).toContain(`[env ${opt.env}]`);
      if (typeof opt.default === "number") expect(help).toContain(`(default ${opt.default})`);
    }
  });
});
