# PyGithub 2.x against the service: the calls a new script makes first, and every property of
# a repository, a run, a job, a workflow, an artifact and the user read back, so that a field
# of the wrong type (null where PyGithub expects a list) shows as a BadAttributeException.
import json
import sys

from github import Auth, Github, GithubException
from github.GithubException import BadAttributeException, IncompletableObject, UnknownObjectException
from github.GithubObject import GithubObject

base, token = sys.argv[1], sys.argv[2]
g = Github(base_url=base, auth=Auth.Token(token), retry=None, per_page=100)
bad = []
# Nested objects that PyGithub completes from their own url: a user's comes from /users/{login};
# a run's head_commit has no url (as on GitHub); noted apart from type errors.
incomplete = set()


def read_all(obj, where, depth=0):
    for name in sorted(dir(type(obj))):
        if name.startswith("_") or name in ("raw_data", "raw_headers", "requester", "etag", "last_modified"):
            continue
        if not isinstance(getattr(type(obj), name, None), property):
            continue
        try:
            value = getattr(obj, name)
        except BadAttributeException as e:
            bad.append(f"{where}.{name}: {e}")
            continue
        except (UnknownObjectException, IncompletableObject):
            incomplete.add(where)
            continue
        if depth < 1 and isinstance(value, GithubObject):
            read_all(value, f"{where}.{name}", depth + 1)


repo = g.get_repo("alice/hello-world")
read_all(repo, "repo")
runs = repo.get_workflow_runs()
run_ids = [r.id for r in runs]
run = repo.get_workflow_run(run_ids[0])
read_all(run, "run")
jobs = list(run.jobs())
for job in jobs[:2]:
    read_all(job, "job")
workflow = repo.get_workflow(run.workflow_id)
read_all(workflow, "workflow")
artifacts = list(repo.get_artifacts())
artifact = repo.get_artifact(artifacts[0].id)
read_all(artifact, "artifact")
user = g.get_user()
read_all(user, "user")
rate = g.get_rate_limit()
core = rate.resources.core if hasattr(rate, "resources") else rate.core
named = list(repo.get_artifacts(name=artifacts[0].name))
print(json.dumps({
    "full_name": repo.full_name,
    "permissions_admin": repo.permissions.admin,
    "runs_total": runs.totalCount,
    "run_ids": run_ids,
    "referenced_workflows": run.raw_data["referenced_workflows"],
    "jobs": len(jobs),
    "artifacts_total": len(artifacts),
    "named": [a.name for a in named],
    "user": user.login,
    "rate_limit": core.limit,
    "cancel": run.cancel(),
    "bad": bad,
    "incomplete": sorted(incomplete),
}))
