// GitHub's published OpenAPI description (@octokit/openapi), compiled with Ajv: an operation's
// 200 schema or a named component, to validate what the GitHub-compatible surface answers.
import Ajv from "ajv";
import type { ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

const specRoot = "https://github-openapi.invalid/api.github.com";

interface Operation { path: string; schema: unknown }

/**
 * `nullable: true` with an `enum` that lacks null (job.conclusion, for one): GitHub sends null
 * there for a job still running, and OpenAPI 3.0 meant nullable to allow it; Ajv reads the enum
 * strictly, so null joins the enum.
 */
function allowNullInNullableEnums(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(allowNullInNullableEnums);
  if (node === null || typeof node !== "object") return;
  const schema = node as Record<string, unknown>;
  if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum.push(null);
  Object.values(schema).forEach(allowNullInNullableEnums);
}

export async function githubDescription() {
  const file = Bun.resolveSync("@octokit/openapi/generated/api.github.com.json", import.meta.dir);
  const spec = (await Bun.file(file).json()) as {
    paths: Record<string, Record<string, { operationId?: string; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
    components: { schemas: Record<string, unknown> };
  };
  allowNullInNullableEnums(spec.components.schemas);
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema({ $id: specRoot, components: { schemas: spec.components.schemas } });
  // Operation schemas point into the document with "#/components/…": make that absolute.
  const absolute = (schema: unknown) =>
    JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${specRoot}#/components/`)) as object;
  const operations = new Map<string, Operation>();
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const op of Object.values(methods)) {
      const schema = op.operationId && op.responses?.["200"]?.content?.["application/json"]?.schema;
      if (schema) operations.set(op.operationId!, { path, schema });
    }
  }
  return {
    operation(operationId: string): ValidateFunction {
      const op = operations.get(operationId);
      if (!op) throw new Error(`no operation ${operationId} in GitHub's description`);
      return ajv.compile(absolute(op.schema));
    },
    component(name: string): ValidateFunction {
      return ajv.compile({ $ref: `${specRoot}#/components/schemas/${name}` });
    },
  };
}

export function expectValid(validate: ValidateFunction, value: unknown, what: string, schema = "GitHub's schema") {
  const ok = validate(value);
  if (!ok) throw new Error(`${what} does not match ${schema}:\n${JSON.stringify(validate.errors?.slice(0, 5), null, 2)}`);
}
