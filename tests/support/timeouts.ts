// Every test and hook gets 15 s (package.json's --timeout), so a hung one fails fast. These
// few steps legitimately take longer on a busy machine, and the tests that take them say so.

/** The first startServer()/compiledExecutable() of a test process builds the executable (bun build --compile). */
export const buildsTheExecutable = 60_000;

/** initdb, start and the forge schema, then seeding a forge database. */
export const startsPostgres = 60_000;

/** A test that walks every route × token × repository, or a property test's many generated requests. */
export const walksEveryRoute = 60_000;
