// OpenAPI details for the GitHub-compatible routes: shown once, under /api/v3; the same
// routes at the root are left out of the document rather than listed twice.
export function routeDoc(prefix: string, summary: string, description?: string) {
  return { summary, ...(description && { description }), hide: prefix === "" };
}
