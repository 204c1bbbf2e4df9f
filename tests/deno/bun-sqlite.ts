// bun:sqlite under Deno, for the test files and helpers that read a database beside the API
// (oracles, seeded copies): Deno's node:sqlite adapter, which has the same shape.
export { Database, Statement } from "../../src/sync/deno/sqlite.ts";
