// Where the OpenAPI document, Swagger UI's page and its files are served (docs.ts, openapi-document.ts).
export const docsPath = "/openapi";
export const assetBase = `${docsPath}/assets`;
