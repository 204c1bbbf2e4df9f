// The demo tokens, printed before the started line when the embedded demo is served: by the
// one process, or by the supervisor of `serve --workers` for all of its workers.
import { demoTokens } from "../seed/fixtures.ts";

export function printDemoTokens(): void {
  console.log("Demo tokens (Authorization: token <t>):");
  for (const t of demoTokens) console.log(`  ${t.token.padEnd(22)} ${t.note}`);
}
