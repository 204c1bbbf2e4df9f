// GitHub's global node ids in their classic form, base64("0<len>:<Type><id>"): derived from
// the record's type and id alone, so the same record always carries the same node_id.
export type NodeType = "WorkflowRun" | "CheckSuite" | "CheckRun" | "Workflow" | "Artifact" | "Repository" | "User" | "Organization";

export function nodeId(type: NodeType, id: number): string {
  return btoa(`0${type.length}:${type}${id}`);
}
