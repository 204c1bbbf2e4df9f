// Preloaded before every test file (bunfig.toml): when the whole run ends, whatever the tests
// left — the folders and processes shared by all files, and those a failed test did not get
// to remove — is removed. See temp.ts.
import { afterAll } from "bun:test";
import { cleanUpEverything } from "./temp.ts";

afterAll(cleanUpEverything);
process.once("exit", cleanUpEverything);
