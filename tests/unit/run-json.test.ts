// A runs page as present/run.ts writes it, for texts JSON must escape: quotes, backslashes,
// control characters, non-ASCII, lone surrogates, shared by several runs of the page or not.
// The page is the JSON of workflowRun for each run, as JSON.stringify writes it.
import { beforeAll, expect, test } from "bun:test";
import fc from "fast-check";
import { JsonWriter } from "../../src/api/serialized-json.ts";
import { repositoryView } from "../../src/api/github/present/repository.ts";
import { workflowRun, workflowRunJson, writeWorkflowRuns } from "../../src/api/github/present/run.ts";
import { openDatabaseFile } from "../../src/runtime/bun/database.ts";
import { createStore } from "../../src/store/index.ts";
import type { RunRecord, Store } from "../../src/store/index.ts";
import { PlanWriter } from "../../src/http/json-plan.ts";
import { seededDatabase } from "../support/db.ts";

let store: Store;
let template: RunRecord;
let view: ReturnType<typeof repositoryView>;
const utf8 = new TextDecoder();

beforeAll(async () => {
  store = createStore(openDatabaseFile(await seededDatabase()).db);
  const [owner, name] = ["alice", "hello-world"];
  const record = store.findRepository(owner, name, null)!;
  template = store.listRuns(record.id, {}, { limit: 1, offset: 0 }, null).runs[0]!;
  view = repositoryView(record, { api: "http://localhost/api/v3", origin: "http://localhost", html: "http://localhost" });
});

const texts = fc.oneof(
  fc.constantFrom('say "hi"', "back\\slash", "tab\there", "nul\u0000", "line\u2028sep", "é日本🎉", "lone \ud800", "main", ""),
  fc.string({ unit: "binary", maxLength: 12 }),
);

test("every text of every run, escaped or not, shared or not, is JSON.stringify's", () => {
  fc.assert(fc.property(fc.array(fc.record({
    displayTitle: texts, headRef: texts, headSha: texts, workflowName: texts, workflowFile: texts, event: texts,
    conclusion: fc.option(texts),
  }), { minLength: 1, maxLength: 6 }), (changes) => {
    const runs = changes.map((c, i) => ({ ...template, ...c, id: template.id + i }) as RunRecord);
    const w = new JsonWriter();
    writeWorkflowRuns(w, runs, view);
    const page = utf8.decode(new PlanWriter().write(w.done().plan));
    expect(page).toBe(JSON.stringify(runs.map((r) => workflowRun(r, view))));
    for (const run of runs) expect(utf8.decode(new PlanWriter().write(workflowRunJson(run, view).plan))).toBe(JSON.stringify(workflowRun(run, view)));
  }), { numRuns: 200, seed: 3 });
});
