// What the executable carries inside itself: the demo database and Swagger UI's files.
// Under `bun run` these imports are paths of the files in the repository; in the compiled
// executable they are paths inside its embedded filesystem.
import demoDatabasePath from "../../../db/demo.sqlite" with { type: "file" };
import swaggerScriptPath from "../../../node_modules/swagger-ui-dist/swagger-ui-bundle.js" with { type: "file" };
import swaggerStylesheetPath from "../../../node_modules/swagger-ui-dist/swagger-ui.css" with { type: "file" };
import type { DocsAssets } from "../../http/docs.ts";

export const embeddedDemoDatabase: string = demoDatabasePath;

export const embeddedDocsAssets: DocsAssets = {
  script: () => Bun.file(swaggerScriptPath),
  stylesheet: () => Bun.file(swaggerStylesheetPath),
};
