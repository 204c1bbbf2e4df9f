// The source's shape: no import circle among its files, and no import from a lower layer up
// into a higher one. A layer may import any layer below it, never one above; the runtime
// edges (Bun's, and only Bun's, APIs) are the only places that import "bun" or "bun:*".
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(import.meta.dir, "..", "..");

/** Lowest first. A file belongs to the first entry whose prefix it has. */
const layers: [rank: number, prefix: string][] = [
  [0, "db/"],
  [0, "src/errors.ts"],
  [0, "src/version.ts"],
  [0, "src/defaults.ts"],
  [0, "src/builtins.ts"],
  [1, "src/store/"],
  [2, "src/observability/"],
  [2, "src/limits/"],
  [2, "src/auth/"],
  [3, "src/sync/"],
  [4, "src/seed/"],
  [5, "src/api/"],
  [6, "src/http/"],
  [7, "src/runtime/"],
  [7, "src/config/"],
  [8, "src/commands/"],
  [9, "src/cli.ts"],
  [9, "src/main.ts"],
  [9, "src/main-deno.ts"],
];

/** Where Bun's own APIs may be imported. */
const bunEdges = ["src/runtime/bun/", "src/sync/bun/", "src/seed/sqlite.ts", "src/seed/postgres.ts"];
/** Where Deno's own APIs (the Deno global) and node:sqlite may be used. */
const denoEdges = ["src/runtime/deno/", "src/sync/deno/"];

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

const files = [...sources("src"), ...sources("db")];

function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)|(?:^|\n)import\s+"([^"]+)"/g)]
    .map((m) => m[1] ?? m[2] ?? m[3]!);
  return specifiers;
}

function rankOf(file: string): number {
  const layer = layers.find(([, prefix]) => file.startsWith(prefix));
  if (!layer) throw new Error(`${file} is in no layer: add it to the table in tests/unit/layers.test.ts`);
  return layer[0];
}

const graph = new Map<string, string[]>(files.map((file) => [
  file,
  importsOf(file).filter((s) => s.startsWith(".")).map((s) => relative(root, resolve(root, dirname(file), s))).filter((f) => f.endsWith(".ts")),
]));

describe("layers", () => {
  test("every file is in a layer, and imports only its own layer or lower ones", () => {
    const upward: string[] = [];
    for (const [file, deps] of graph) {
      for (const dep of deps) if (rankOf(dep) > rankOf(file)) upward.push(`${file} → ${dep}`);
    }
    expect(upward).toEqual([]);
  });

  test("no import circle", () => {
    const state = new Map<string, "open" | "done">();
    const circles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        circles.push([...path.slice(path.indexOf(file)), file].join(" → "));
        return;
      }
      state.set(file, "open");
      for (const dep of graph.get(file) ?? []) visit(dep, [...path, file]);
      state.set(file, "done");
    };
    for (const file of graph.keys()) visit(file, []);
    expect(circles).toEqual([]);
  });

  test("Bun's APIs only in the runtime edges", () => {
    const outside = files.filter((file) => !bunEdges.some((edge) => file.startsWith(edge)))
      .filter((file) => {
        const code = readFileSync(join(root, file), "utf8").replace(/^\s*(\/\/|\*).*$/gm, "");
        return importsOf(file).some((s) => s === "bun" || s.startsWith("bun:")) || /\bBun\.[a-z]/.test(code);
      });
    expect(outside).toEqual([]);
  });

  test("Deno's APIs only in the Deno edges, and neither runtime's edges import the other's", () => {
    const outside = files.filter((file) => !denoEdges.some((edge) => file.startsWith(edge)))
      .filter((file) => {
        const code = readFileSync(join(root, file), "utf8").replace(/^\s*(\/\/|\*).*$/gm, "");
        return importsOf(file).includes("node:sqlite") || /\bDeno\.[a-z]/.test(code);
      });
    expect(outside).toEqual([]);
    const crossing = [...graph].filter(([file, deps]) =>
      (denoEdges.some((e) => file.startsWith(e)) && deps.some((d) => bunEdges.some((e) => d.startsWith(e))))
      || (bunEdges.some((e) => file.startsWith(e)) && deps.some((d) => denoEdges.some((e) => d.startsWith(e)))));
    expect(crossing).toEqual([]);
  });

  test("each test folder starts only what its name says", () => {
    // tests/unit: one module in the process; tests/surface: the whole app in the process;
    // tests/e2e: real processes and servers. A helper that starts a process belongs to e2e.
    const starts = ["binary", "postgres", "gh", "serve-process", "tls", "tools"];
    const allowed: Record<string, (helper: string) => boolean> = {
      unit: (helper) => !starts.includes(helper) && helper !== "app",
      surface: (helper) => !starts.includes(helper),
    };
    const misplaced: string[] = [];
    for (const folder of Object.keys(allowed)) {
      for (const file of sources(`tests/${folder}`)) {
        const helpers = importsOf(file).map((s) => /support\/([a-z-]+)\.ts$/.exec(s)?.[1]).filter((h): h is string => !!h);
        const code = readFileSync(join(root, file), "utf8");
        for (const helper of helpers) if (!allowed[folder]!(helper)) misplaced.push(`${file} uses support/${helper}.ts`);
        if (/\bBun\.(spawn|serve)\b|\blisten\(/.test(code)) misplaced.push(`${file} starts a process or a listener`);
      }
    }
    expect(misplaced).toEqual([]);
    // The rule sees what it checks: an e2e suite does use the helpers it forbids elsewhere.
    expect(importsOf("tests/e2e/gh.test.ts")).toContain("../support/binary.ts");
    expect(sources("tests/unit").length).toBeGreaterThan(5);
    expect(sources("tests/surface").length).toBeGreaterThan(5);
  });

  test("the checker sees imports (it would pass on anything if it saw none)", () => {
    expect(graph.get("src/http/app.ts")).toContain("src/http/pipeline.ts");
    expect(importsOf("src/runtime/bun/database.ts")).toContain("bun:sqlite");
    expect(graph.get("src/cli.ts")).toContain("src/commands/serve.ts");
    expect(graph.get("src/main-deno.ts")).toContain("src/runtime/deno/index.ts");
    expect(importsOf("src/sync/deno/sqlite.ts")).toContain("node:sqlite");
  });
});
