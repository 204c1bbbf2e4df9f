// The forge tables this service depends on (schema.sql beside this file), as SQL text.
// Imported as text, as the migrations are, so that it travels inside the compiled executable:
// `seed --postgres` creates these tables in an empty database with nothing beside the binary.
import schema from "./schema.sql" with { type: "text" };

export const forgeSchemaSql: string = schema;
