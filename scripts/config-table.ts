// Prints the README's configuration table for `serve`, from the flag table itself
// (src/config/commands.ts); tests/unit/config.test.ts holds the README to it.
import { serveCommand } from "../src/config/commands.ts";
import { optionsTable } from "../src/config/options.ts";

console.log(optionsTable(serveCommand));
