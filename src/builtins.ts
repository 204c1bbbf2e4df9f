// The runtime's Node modules that only some paths need, loaded by the first use rather than
// at start-up. An executable made by `bun build --compile` is one file: every `import … from
// "node:…"` anywhere in it is evaluated before the first line runs, whichever command runs.
// node:crypto, node:zlib (with node:stream) and node:net took 15-20 ms of each start, and a
// `serve --workers` supervisor, which uses none of them, paid it as well as each worker.
type Builtins = {
  "node:crypto": typeof import("node:crypto");
  "node:net": typeof import("node:net");
  "node:zlib": typeof import("node:zlib");
};

const loaded: Partial<Builtins> = {};

export function builtin<K extends keyof Builtins>(name: K): Builtins[K] {
  return (loaded[name] ??= process.getBuiltinModule(name) as Builtins[K]);
}
