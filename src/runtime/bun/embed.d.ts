// Files imported `with { type: "file" }` are their path (inside the executable once compiled).
declare module "*.sqlite" { const path: string; export default path; }
declare module "*.css" { const path: string; export default path; }
declare module "*/swagger-ui-bundle.js" { const path: string; export default path; }
declare module "*.sql" { const text: string; export default text; }
