// The module "bun" under Deno, for test files that import a helper module which also uses
// Bun.sql (the seed's PostgreSQL writer): loading works, using it says where it cannot run.
export class SQL {
  constructor() {
    throw new Error("Bun.sql is not available under Deno");
  }
}
