// How many cores this process may use: the CPUs it may run on (`nproc`), or fewer where its
// cgroup caps its CPU time (a container's CPU limit: `docker run --cpus 2`, a Kubernetes
// `resources.limits.cpu`), rounded up. `serve --workers` defaults to it.
import { readFileSync } from "node:fs";

type Read = (path: string) => string | null;

const readOrNull: Read = (path) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
};

/**
 * The CPU quota of this process's cgroup in cores (quota / period), or null for none. cgroup v2
 * (`cpu.max`: "max 100000" or "150000 100000") and v1 (`cpu.cfs_quota_us`, -1 for none, over
 * `cpu.cfs_period_us`), at the process's own cgroup path and, as inside most containers, at the
 * mount's root.
 */
export function cgroupCpuQuota(read: Read = readOrNull): number | null {
  const cgroups = read("/proc/self/cgroup") ?? "";
  const quotas: number[] = [];
  for (const line of cgroups.split("\n")) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (path === undefined) continue;
    /** The process's own cgroup directory under each mount, and the mount's root. */
    const dirs = (mounts: string[]) => new Set(mounts.flatMap((m) => [`${m}${path}`.replace(/\/$/, ""), m]));
    if (controllers === "") {
      for (const dir of dirs(["/sys/fs/cgroup"])) {
        const [quota, period] = (read(`${dir}/cpu.max`) ?? "").trim().split(/\s+/);
        if (quota !== undefined && quota !== "max" && Number(quota) > 0 && Number(period) > 0) quotas.push(Number(quota) / Number(period));
      }
    } else if (controllers!.split(",").includes("cpu")) {
      for (const dir of dirs(["/sys/fs/cgroup/cpu", `/sys/fs/cgroup/${controllers}`])) {
        const quota = Number(read(`${dir}/cpu.cfs_quota_us`));
        const period = Number(read(`${dir}/cpu.cfs_period_us`));
        if (quota > 0 && period > 0) quotas.push(quota / period);
      }
    }
  }
  return quotas.length === 0 ? null : Math.min(...quotas);
}

/** The cores `serve --workers` defaults to: at least 1. */
export function usableCores(cpus: number = navigator.hardwareConcurrency, quota: number | null = cgroupCpuQuota()): number {
  return Math.max(1, quota === null ? cpus : Math.min(cpus, Math.ceil(quota)));
}
