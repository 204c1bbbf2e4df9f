// Workflow runs: the listing behind both API surfaces, and single runs. A listing is always
// one repository, newest first with id breaking ties, so that equal timestamps page stably.
import { and, count, desc, eq, getTableColumns, gt, gte, lt, lte, sql } from "drizzle-orm";
import type { AnyColumn, SQL, SQLWrapper } from "drizzle-orm";
import { accounts, runDayMs, runDays, workflowRuns } from "../../db/schema.ts";
import type { RunStatus, WorkflowRun } from "../../db/schema.ts";
import { pageTerm, param, preparedOnFirstUse } from "./database.ts";
import type { Runnable } from "./database.ts";
import type { ServiceDatabase } from "./database.ts";
import { defaults } from "../defaults.ts";
import { rowReader } from "./row-reader.ts";
import { VersionedCache } from "./versioned-cache.ts";
import type { DataVersion, FactsVersion } from "./versioned-cache.ts";

export interface RunFilter {
  workflowId?: number;
  /** Exact path of the workflow file as recorded on the run. */
  workflowFile?: string;
  headRef?: string;
  /** Login of the run's actor, case-insensitively; an unknown login matches no run. */
  actorLogin?: string;
  event?: string;
  status?: RunStatus;
  conclusion?: string;
  headSha?: string;
  /** Limit to one run id (GitHub's check_suite_id: each run is its own check suite here). */
  runId?: number;
  createdFrom?: number;
  createdFromInclusive?: boolean;
  createdTo?: number;
  createdToInclusive?: boolean;
}

/** Which rows of a listing: at most `limit`, after skipping `offset`. */
export interface Slice { limit: number; offset: number }

/** A repository's days with runs, newest first: each day, and how many runs the newer days hold. */
interface DayCounts { days: Float64Array; before: Float64Array; total: number }

/**
 * The first instant of a day of run_days: its day is created_at divided by runDayMs, truncated
 * towards zero (SQLite's integer division), so day 0 spans both sides of the epoch.
 */
function firstOfDay(day: number): number {
  return day > 0 ? day * runDayMs : (day - 1) * runDayMs + 1;
}

export interface ActorRecord { id: number; login: string; type: string; siteAdmin: boolean }

export interface RunRecord extends WorkflowRun {
  actor: ActorRecord | null;
  triggeringActor: ActorRecord | null;
}

/**
 * The longest value a filter can match: a ref (branch or tag) of 255 characters, a login of
 * 39, a commit SHA of 64 (SHA-256). A longer one matches no run; it is answered as such
 * before any lookup, so that it never becomes a key of the totals' cache.
 */
export const longestFilter = { headRef: 255, actorLogin: 39, headSha: 64 } as const;

function matchesNothing(filter: RunFilter): boolean {
  return (filter.headRef?.length ?? 0) > longestFilter.headRef
    || (filter.actorLogin?.length ?? 0) > longestFilter.actorLogin
    || (filter.headSha?.length ?? 0) > longestFilter.headSha;
}

type FilterKey = Exclude<keyof RunFilter, "createdFromInclusive" | "createdToInclusive">;
const filterKeys: readonly FilterKey[] = [
  "workflowId", "workflowFile", "headRef", "actorLogin", "event", "status", "conclusion", "headSha", "runId",
  "createdFrom", "createdTo",
];

const cmp = (inclusive: boolean | undefined, strict: typeof gt, loose: typeof gte) => (inclusive ? loose : strict);

/** What an equality filter tests: a column of the run, and what it must equal; null for the creation bounds. */
function equalityOf(key: FilterKey): { column: AnyColumn; value: SQLWrapper } | null {
  const r = workflowRuns;
  switch (key) {
    case "workflowId": return { column: r.workflowId, value: param("workflowId") };
    case "workflowFile": return { column: r.workflowFile, value: param("workflowFile") };
    case "headRef": return { column: r.headRef, value: param("headRef") };
    case "actorLogin": return { column: r.actorId, value: sql`(SELECT ${accounts.id} FROM ${accounts} WHERE ${accounts.login} = ${param("actorLogin")})` };
    case "event": return { column: r.event, value: param("event") };
    case "status": return { column: r.status, value: param("status") };
    case "conclusion": return { column: r.conclusion, value: param("conclusion") };
    case "headSha": return { column: r.headSha, value: param("headSha") };
    case "runId": return { column: r.id, value: param("runId") };
    case "createdFrom": case "createdTo": return null;
  }
}

function conditionFor(key: FilterKey, filter: RunFilter): SQL {
  const equality = equalityOf(key);
  if (equality !== null) return eq(equality.column, equality.value);
  const r = workflowRuns;
  return key === "createdFrom"
    ? cmp(filter.createdFromInclusive, gt, gte)(r.createdAt, param("createdFrom"))
    : cmp(filter.createdToInclusive, lt, lte)(r.createdAt, param("createdTo"));
}

/**
 * `key`'s condition as the walk of the listing index applies it (a filtered page read in list
 * order, below): a test on each row's own column, never a way into the filter's index (SQLite
 * uses no index for a term whose column is under a unary +). A creation bound stays a range of
 * the listing index itself.
 */
function residualFor(key: FilterKey, filter: RunFilter): SQL {
  const equality = equalityOf(key);
  return equality === null ? conditionFor(key, filter) : sql`+${equality.column} = ${equality.value}`;
}

/**
 * A filtered page is read by walking the listing index in list order, testing each row, when
 * the filter's share of its repository's runs puts the page within half this many rows (both
 * counts are remembered per data version); the walk goes down to the newest days that hold
 * this many runs and no further, and gives way to the keys (below) when the page is not all
 * there. gh run list -b main -s success matches a quarter of a repository's runs: its first
 * page is some 120 rows side by side, where by its keys it is thirty descents, each into
 * another page of the index (in the mixed workload, 207 µs a page against 312, p50).
 */
export const filteredWalkRows = 500;

const runRows = rowReader(workflowRuns);

/** What the runs read of the access queries (access.ts): any account by id. */
export type FindAccount = (id: number) => ActorRecord | null;

/**
 * The runs' actors, from their accounts, remembered under the version of what the auth chain
 * reads (`facts`: raised by any write to accounts), a few hundred bytes each. A listing joined
 * to the accounts table twice cost more than its rows (bun:sqlite's SQLite took 11 µs more for
 * the joined statement with bound parameters); a page has a handful of distinct actors.
 */
function actorsOf(findAccount: FindAccount) {
  const remembered = new VersionedCache<ActorRecord | null>(defaults.lookupCacheBytes, 256);
  const load = (id: number): ActorRecord | null => {
    const account = findAccount(id);
    return account === null ? null : { id: account.id, login: account.login, type: account.type, siteAdmin: account.siteAdmin };
  };
  return (id: number | null, facts: FactsVersion): ActorRecord | null =>
    id === null ? null : remembered.get(String(id), facts, () => load(id));
}

export function runQueries(db: ServiceDatabase, factsAt: (version: DataVersion) => FactsVersion, findAccount: FindAccount) {
  const actorOf = actorsOf(findAccount);
  /** A row of the statements below (a run's columns, in the table's order) as its record, with its actors. */
  const runFrom = (version: DataVersion) => {
    const facts = factsAt(version);
    return (row: readonly unknown[]): RunRecord => {
      const run = runRows.read(row) as RunRecord;
      run.actor = actorOf(run.actorId, facts);
      run.triggeringActor = actorOf(run.triggeringActorId, facts);
      return run;
    };
  };
  const base = () => db.select(getTableColumns(workflowRuns)).from(workflowRuns);
  /** Every listing's order: newest first, id breaking ties. */
  const runsNewestFirst = [desc(workflowRuns.createdAt), desc(workflowRuns.id)] as const;

  // One pair of prepared statements per combination of filters in use, built on first use:
  // the SQL shape (and so the index SQLite picks) depends on which filters are present.
  const listings = new Map<string, { page: ReturnType<typeof preparePage>; total: ReturnType<typeof prepareTotal>; walk: ReturnType<typeof prepareWalk> }>();
  const whereFor = (keys: FilterKey[], filter: RunFilter) =>
    and(eq(workflowRuns.repoId, param("repoId")), ...keys.map((k) => conditionFor(k, filter)));
  // A page is found in two steps: its keys by an index-only walk of the filter's own index (so
  // the rows a deep page skips are never read), then just those rows, from the listing index
  // (0005_run_listing.sql), where a repository's runs lie side by side, not from the table.
  const pageWhere = (where: SQL | undefined) => {
    const keys = db.select({ createdAt: workflowRuns.createdAt, id: workflowRuns.id }).from(workflowRuns).where(where)
      .orderBy(...runsNewestFirst)
      .limit(pageTerm("limit")).offset(pageTerm("offset"));
    return base()
      .where(and(eq(workflowRuns.repoId, param("repoId")), sql`(${workflowRuns.createdAt}, ${workflowRuns.id}) in ${keys}`))
      .orderBy(...runsNewestFirst).prepare();
  };
  const preparePage = (keys: FilterKey[], filter: RunFilter) => pageWhere(whereFor(keys, filter));
  // The walk: the listing index from the newest run down to `floor` (the first of the days that
  // bound it), each row tested on its own columns.
  const prepareWalk = (keys: FilterKey[], filter: RunFilter) => preparedOnFirstUse(() => base()
    .where(and(eq(workflowRuns.repoId, param("repoId")), gte(workflowRuns.createdAt, param("floor")), ...keys.map((k) => residualFor(k, filter))))
    .orderBy(...runsNewestFirst)
    .limit(pageTerm("limit")).offset(pageTerm("offset")).prepare());
  const prepareTotal = (keys: FilterKey[], filter: RunFilter) =>
    db.select({ total: count() }).from(workflowRuns).where(whereFor(keys, filter)).prepare();
  // A large repository's count walks its whole index range: remember it until the data changes.
  const totals = new VersionedCache<number>(defaults.lookupCacheBytes, 0);

  function listingFor(filter: RunFilter) {
    const keys = filterKeys.filter((k) => filter[k] !== undefined);
    const shape = keys.join(",") + `|${filter.createdFromInclusive ? 1 : 0}${filter.createdToInclusive ? 1 : 0}`;
    let listing = listings.get(shape);
    if (!listing) {
      listing = { page: preparePage(keys, filter), total: prepareTotal(keys, filter), walk: prepareWalk(keys, filter) };
      listings.set(shape, listing);
    }
    const params: Record<string, unknown> = { repoId: 0 };
    for (const k of keys) params[k] = filter[k];
    return { listing, params, shape };
  }

  // A listing without filters, by run_days when the file has it (0002_run_days.sql): the
  // counts of the repository's days, newest first, lead to the day holding the page's first
  // run; the index is walked from that day only. The total is the counts' sum, never stale.
  const hasRunDays = db.get<[number]>(sql`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'run_days'`)[0] === 1;
  function dayListing() {
    const allDays = preparedOnFirstUse(() => db.select({ day: runDays.day, runs: runDays.runs }).from(runDays)
      .where(eq(runDays.repoId, param("repoId"))).orderBy(desc(runDays.day)).prepare());
    // One walk of the listing index from that day: the rows it skips are of that day only.
    const fromDay = preparedOnFirstUse(() => base()
      .where(and(eq(workflowRuns.repoId, param("repoId")), lt(workflowRuns.createdAt, param("bound"))))
      .orderBy(...runsNewestFirst)
      .limit(pageTerm("limit")).offset(pageTerm("offset")).prepare());
    // A repository's day counts, remembered per data version: a few hundred bytes (180 days at
    // most on the million-run file), where reading them (the newest with the sum of all) was
    // 22 µs of a first page's 50 in SQLite alone, and 49 µs in the mixed workload.
    const counted = new VersionedCache<DayCounts>(defaults.lookupCacheBytes, (c) => c.days.byteLength * 2);
    const countsOf = (repoId: number): DayCounts => {
      const rows = allDays.values({ repoId }) as [number, number][];
      const days = new Float64Array(rows.length);
      const before = new Float64Array(rows.length);
      let total = 0;
      rows.forEach(([day, runs], i) => {
        days[i] = day;
        before[i] = total;
        total += runs;
      });
      return { days, before, total };
    };
    const counts = (repoId: number, version: DataVersion) => counted.get(String(repoId), version, () => countsOf(repoId));
    const page = (repoId: number, page: Slice, version: DataVersion): { runs: RunRecord[]; total: number } => {
      const { days, before, total } = counts(repoId, version);
      if (page.offset >= total) return { runs: [], total };
      // The newest day whose newer days hold no more runs than the offset: the day of its run.
      let lo = 0;
      let hi = days.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (before[mid]! <= page.offset) lo = mid;
        else hi = mid - 1;
      }
      const day = days[lo]!;
      // Every run created before `bound` is of this day or an older one (SQLite's division
      // truncates: day 0 spans both sides of the epoch, and a negative day ends at day × ms).
      const bound = day >= 0 ? (day + 1) * runDayMs : day * runDayMs + 1;
      const runs = (fromDay.values({ repoId, bound, limit: page.limit, offset: page.offset - before[lo]! }) as unknown[][]).map(runFrom(version));
      return { runs, total };
    };
    /**
     * A filtered page's rows by the walk, when few enough rows hold them: null when the
     * filter is too sparse for it (or the page too deep), or when its runs lie further back
     * than the walk went (they are not where their share said), for the keys to find.
     */
    const walked = (walk: Runnable, params: Record<string, unknown>, repoId: number, page: Slice, matching: number, version: DataVersion): unknown[][] | null => {
      const { days, before, total } = counts(repoId, version);
      // The rows to walk, if the filter's runs are spread evenly among the repository's.
      if ((page.offset + page.limit) * total > (filteredWalkRows / 2) * matching) return null;
      // The newest days that hold filteredWalkRows runs; all of them when they hold fewer.
      let lo = 0;
      let hi = days.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((mid + 1 < days.length ? before[mid + 1]! : total) >= filteredWalkRows) hi = mid;
        else lo = mid + 1;
      }
      const holding = lo + 1 < days.length ? before[lo + 1]! : total;
      // A day of many runs would make the walk long: the keys' way is bounded.
      if (holding > 4 * filteredWalkRows) return null;
      const rows = walk.values({ ...params, floor: holding >= total ? -Number.MAX_VALUE : firstOfDay(days[lo]!), ...page }) as unknown[][];
      // Every run above the floor comes before every run below it: the page is exact when it is full, or holds every run left.
      return rows.length === Math.min(page.limit, matching - page.offset) ? rows : null;
    };
    return { page, walked };
  }
  const listByDays = hasRunDays ? dayListing() : null;

  // No LIMIT: the id is the primary key (one given to drizzle would be bound: see pageTerm).
  const byId = preparedOnFirstUse(() => base()
    .where(and(eq(workflowRuns.repoId, param("repoId")), eq(workflowRuns.id, param("runId"))))
    .prepare());

  return {
    /** A repository's runs matching every filter given, newest first, and how many match in all. */
    listRuns(repoId: number, filter: RunFilter, page: Slice, version: DataVersion): { runs: RunRecord[]; total: number } {
      if (listByDays && filterKeys.every((k) => filter[k] === undefined)) return listByDays.page(repoId, page, version);
      if (matchesNothing(filter)) return { runs: [], total: 0 };
      const { listing, params, shape } = listingFor(filter);
      params.repoId = repoId;
      const total = totals.get(`${shape}\n${JSON.stringify(params)}`, version, () => (listing.total.get(params) as { total: number }).total);
      if (page.offset >= total) return { runs: [], total };
      const rows = listByDays?.walked(listing.walk, params, repoId, page, total, version) ?? listing.page.values({ ...params, ...page }) as unknown[][];
      return { runs: rows.map(runFrom(version)), total };
    },
    /** The run with this id if it belongs to this repository; a run of another repository does not exist here. */
    getRun(repoId: number, runId: number, version: DataVersion): RunRecord | null {
      const row = (byId.values({ repoId, runId }) as unknown[][])[0];
      return row === undefined ? null : runFrom(version)(row);
    },
  };
}
