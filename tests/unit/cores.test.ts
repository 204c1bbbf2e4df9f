// serve --workers defaults to the cores the process may use: its CPUs, or its cgroup's CPU quota.
import { expect, test } from "bun:test";
import { cgroupCpuQuota, usableCores } from "../../src/config/cores.ts";

const files = (entries: Record<string, string>) => (path: string) => entries[path] ?? null;

test("cgroup v2: cpu.max at the process's cgroup, or at the root as inside a container", () => {
  expect(cgroupCpuQuota(files({ "/proc/self/cgroup": "0::/kubepods/pod1/c1\n", "/sys/fs/cgroup/kubepods/pod1/c1/cpu.max": "150000 100000\n" }))).toBe(1.5);
  expect(cgroupCpuQuota(files({ "/proc/self/cgroup": "0::/\n", "/sys/fs/cgroup/cpu.max": "200000 100000\n" }))).toBe(2);
  expect(cgroupCpuQuota(files({ "/proc/self/cgroup": "0::/\n", "/sys/fs/cgroup/cpu.max": "max 100000\n" }))).toBeNull();
});

test("cgroup v1: cfs quota over period, -1 for none, under either mount name", () => {
  const v1 = "12:cpu,cpuacct:/docker/abc\n11:memory:/docker/abc\n";
  expect(cgroupCpuQuota(files({ "/proc/self/cgroup": v1, "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "50000\n", "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n" }))).toBe(0.5);
  expect(cgroupCpuQuota(files({
    "/proc/self/cgroup": v1,
    "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us": "300000", "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us": "100000",
  }))).toBe(3);
  expect(cgroupCpuQuota(files({ "/proc/self/cgroup": v1, "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1", "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000" }))).toBeNull();
  expect(cgroupCpuQuota(files({}))).toBeNull();
});

test("the quota rounds up, never above the CPUs, never below one", () => {
  expect(usableCores(64, 2)).toBe(2);
  expect(usableCores(64, 1.5)).toBe(2);
  expect(usableCores(4, 16)).toBe(4);
  expect(usableCores(8, 0.25)).toBe(1);
  expect(usableCores(8, null)).toBe(8);
});
