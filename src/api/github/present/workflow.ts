// GitHub's `workflow` from a forge workflow.
import type { Workflow } from "../../../../db/schema.ts";
import { isoSeconds } from "../../time.ts";
import { nodeId } from "../node-id.ts";
import type { RepositoryView } from "./repository.ts";

export function workflow(w: Workflow, view: RepositoryView) {
  return {
    id: w.id,
    node_id: nodeId("Workflow", w.id),
    name: w.name,
    path: w.path,
    state: w.state,
    created_at: isoSeconds(w.createdAt)!,
    updated_at: isoSeconds(w.updatedAt)!,
    url: `${view.urls.api}/actions/workflows/${w.id}`,
    html_url: `${view.urls.web}/blob/${encodeURIComponent(view.record.defaultBranch)}/${w.path}`,
    badge_url: `${view.urls.web}/workflows/${encodeURIComponent(w.name)}/badge.svg`,
  };
}
