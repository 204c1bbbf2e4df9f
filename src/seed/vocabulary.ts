// Names the generated forge is made of: branches, commit subjects, job graphs, step names.
import type { CountSpread } from "./types.ts";

export type RunEvent = "push" | "pull_request" | "workflow_dispatch" | "schedule" | "release";

/** How often a repository sees each event, when a workflow listens to it. */
export const eventWeights: readonly (readonly [RunEvent, number])[] = [
  ["push", 45], ["pull_request", 35], ["schedule", 10], ["workflow_dispatch", 4], ["release", 6],
];

export const topicBranches = [
  "feature/login", "feature/dark-mode", "feature/search-filters", "fix/flaky-test", "fix/null-actor",
  "chore/deps", "docs/readme", "refactor/auth", "dependabot/npm_and_yarn/lodash-4.17.21", "perf/cache-warmup",
] as const;
export const releaseBranches = ["release/v1.2", "release/v2.0"] as const;

export const commitSubjects = [
  "Fix typo in README", "Add login form validation", "Bump lodash from 4.17.20 to 4.17.21",
  "Refactor token parsing", "Update CI matrix to Node 22", "Handle empty pages in run listing",
  "Cache dependencies between jobs", "Remove dead feature flag", "Speed up integration tests",
  "Document the release process", "Tighten CSP headers", "Retry flaky network calls",
  "Migrate settings page to new layout", "Add dark mode toggle", "Fix off-by-one in pagination",
] as const;
export const pullRequestTitles = [
  "Add search filters to the run list", "Fix null actor in run view", "Dark mode",
  "Upgrade to TypeScript 5.9", "Split the deploy job per environment", "Faster cold start",
  "Login: rate-limit failed attempts", "Docs: clarify token scopes",
] as const;

export const artifactNames = [
  "dist", "coverage-report", "test-results", "build-logs", "playwright-report", "bundle-stats",
] as const;

export type WorkflowKind = "ci" | "lint" | "release" | "nightly" | "codeql" | "deploy";

/** The events each kind of workflow listens to. */
export const workflowTriggers: Record<WorkflowKind, readonly RunEvent[]> = {
  ci: ["push", "pull_request"],
  lint: ["push", "pull_request"],
  release: ["release", "workflow_dispatch"],
  nightly: ["schedule", "workflow_dispatch"],
  codeql: ["push", "pull_request", "schedule"],
  deploy: ["push", "workflow_dispatch"],
};

interface JobShape { key: string; name: string; runsOn: string }

/** A workflow's declared graph: one entry job, a matrix that needs it, one job that needs the matrix. */
export interface JobGraphShape {
  entry: JobShape;
  matrix: { key: string; cell: (index: number, size: number) => { name: string; runsOn: string } };
  exit: JobShape;
  /** The exit job deploys somewhere, so pull requests skip it. */
  exitDeploys: boolean;
}

const nodeCells = [
  ["ubuntu-latest", "20"], ["ubuntu-latest", "22"], ["macos-14", "22"],
  ["windows-latest", "22"], ["ubuntu-latest", "18"], ["macos-14", "20"],
] as const;
const targets = ["linux-x64", "linux-arm64", "darwin-arm64", "darwin-x64", "windows-x64", "freebsd-x64"] as const;
const languages = ["javascript", "go", "python", "ruby", "java", "cpp"] as const;
const environments = ["staging", "production-eu", "production-us", "canary", "preview", "sandbox"] as const;

const cycle = <T>(items: readonly T[], i: number): T => items[i % items.length]!;

export const jobGraphs: Record<WorkflowKind, JobGraphShape> = {
  ci: {
    entry: { key: "build", name: "build", runsOn: "ubuntu-latest" },
    matrix: {
      key: "test",
      cell: (i) => {
        const [os, node] = cycle(nodeCells, i);
        return { name: i < nodeCells.length ? `test (${os}, ${node})` : `test (${os}, ${node}, ${i + 1})`, runsOn: os };
      },
    },
    exit: { key: "deploy", name: "deploy", runsOn: "ubuntu-latest" },
    exitDeploys: true,
  },
  lint: {
    entry: { key: "lint", name: "Lint", runsOn: "ubuntu-latest" },
    matrix: { key: "typecheck", cell: (i) => ({ name: `typecheck (package ${i + 1})`, runsOn: "ubuntu-latest" }) },
    exit: { key: "report", name: "Report", runsOn: "ubuntu-latest" },
    exitDeploys: false,
  },
  release: {
    entry: { key: "build", name: "Build", runsOn: "ubuntu-22.04" },
    matrix: {
      key: "package",
      cell: (i) => {
        const target = cycle(targets, i);
        const os = target.startsWith("darwin") ? "macos-14" : target.startsWith("windows") ? "windows-latest" : "ubuntu-22.04";
        return { name: `package (${target})`, runsOn: os };
      },
    },
    exit: { key: "publish", name: "Publish release", runsOn: "ubuntu-22.04" },
    exitDeploys: true,
  },
  nightly: {
    entry: { key: "setup", name: "Set up fixtures", runsOn: "self-hosted" },
    matrix: { key: "e2e", cell: (i, size) => ({ name: `e2e (shard ${i + 1}/${size})`, runsOn: "self-hosted" }) },
    exit: { key: "notify", name: "Notify", runsOn: "ubuntu-latest" },
    exitDeploys: false,
  },
  codeql: {
    entry: { key: "init", name: "Initialize CodeQL", runsOn: "ubuntu-latest" },
    matrix: { key: "analyze", cell: (i) => ({ name: `Analyze (${cycle(languages, i)})`, runsOn: "ubuntu-latest" }) },
    exit: { key: "upload", name: "Upload SARIF", runsOn: "ubuntu-latest" },
    exitDeploys: false,
  },
  deploy: {
    entry: { key: "plan", name: "Terraform plan", runsOn: "self-hosted" },
    matrix: { key: "apply", cell: (i) => ({ name: `apply (${cycle(environments, i)})`, runsOn: "self-hosted" }) },
    exit: { key: "verify", name: "Verify", runsOn: "ubuntu-latest" },
    exitDeploys: true,
  },
};

/** What a job of each key does, in order, between checking out and cleaning up. */
const workSteps: Record<string, readonly string[]> = {
  build: ["Run actions/setup-node@v4", "Run npm ci", "Run npm run build", "Run actions/upload-artifact@v4", "Run npm run size-check"],
  test: ["Run actions/setup-node@v4", "Run npm ci", "Run npm test", "Run npm run test:integration", "Run actions/upload-artifact@v4"],
  deploy: ["Run actions/download-artifact@v4", "Run ./scripts/deploy.sh", "Run ./scripts/smoke-test.sh"],
  lint: ["Run npm ci", "Run npm run lint", "Run npm run format:check"],
  package: ["Run actions/download-artifact@v4", "Run ./scripts/package.sh", "Run actions/upload-artifact@v4"],
  publish: ["Run actions/download-artifact@v4", "Run gh release upload", "Run npm publish"],
  e2e: ["Run docker compose up -d", "Run npm run e2e", "Run actions/upload-artifact@v4", "Run docker compose down"],
  analyze: ["Run github/codeql-action/init@v3", "Run github/codeql-action/autobuild@v3", "Run github/codeql-action/analyze@v3"],
  plan: ["Run hashicorp/setup-terraform@v3", "Run terraform init", "Run terraform plan -out plan.tfplan"],
  apply: ["Run hashicorp/setup-terraform@v3", "Run terraform init", "Run terraform apply plan.tfplan"],
};
const fallbackWork = ["Run ./scripts/ci.sh", "Run ./scripts/report.sh", "Run ./scripts/cleanup.sh"];

/** Step names of a job with this key: "Set up job" first, "Complete job" last, at least 3. */
export function stepNames(jobKey: string, count: number): string[] {
  const middle = ["Run actions/checkout@v4", ...(workSteps[jobKey] ?? fallbackWork)];
  const names = ["Set up job"];
  const inner = count - 2;
  const withPost = inner >= 4;
  const work = withPost ? inner - 1 : inner;
  for (let i = 0; i < work; i++) names.push(i < middle.length ? middle[i]! : `Run ./scripts/step-${i + 1}.sh`);
  if (withPost) names.push("Post Run actions/checkout@v4");
  names.push("Complete job");
  return names;
}

/** How long a step of this name takes, in seconds. */
export function stepSeconds(name: string): readonly [number, number] {
  if (name === "Set up job") return [1, 4];
  if (name === "Complete job" || name.startsWith("Post ")) return [0, 2];
  if (name.includes("checkout") || name.includes("setup-") || name.includes("download")) return [1, 8];
  if (name.includes("test") || name.includes("e2e") || name.includes("analyze") || name.includes("apply")) return [40, 420];
  return [5, 120];
}

export const clampSpread = (s: CountSpread, min: number): CountSpread => ({
  mean: Math.max(min, Math.min(s.mean, s.max)),
  max: Math.max(min, Math.floor(s.max)),
});
