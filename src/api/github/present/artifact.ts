// GitHub's `artifact` from a forge artifact of a run.
import type { WorkflowArtifact } from "../../../../db/schema.ts";
import type { RunRecord } from "../../../store/index.ts";
import { isoSeconds } from "../../time.ts";
import { nodeId } from "../node-id.ts";
import type { RepositoryView } from "./repository.ts";

/** What an artifact tells of the run that made it. */
export type ArtifactRun = Pick<RunRecord, "id" | "headRef" | "headSha">;

export function isExpired(a: WorkflowArtifact, now: number): boolean {
  return a.expiresAt !== null && a.expiresAt <= now;
}

export function artifact(a: WorkflowArtifact, run: ArtifactRun, view: RepositoryView, now: number) {
  const url = `${view.urls.api}/actions/artifacts/${a.id}`;
  return {
    id: a.id,
    node_id: nodeId("Artifact", a.id),
    name: a.name,
    size_in_bytes: a.sizeInBytes,
    url,
    archive_download_url: `${url}/zip`,
    expired: isExpired(a, now),
    created_at: isoSeconds(a.createdAt),
    expires_at: isoSeconds(a.expiresAt),
    updated_at: isoSeconds(a.updatedAt),
    workflow_run: {
      id: run.id,
      repository_id: view.record.id,
      head_repository_id: view.record.id,
      head_branch: run.headRef,
      head_sha: run.headSha,
    },
  };
}
