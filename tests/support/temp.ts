// Temporary folders and child processes the tests make, so that a run leaves TMPDIR as it
// found it and no process behind. A file removes or stops what is its own in its afterAll
// (or sooner); what is shared by every file of the process (the seeded database, the built
// executable) and whatever a failed test left is removed when the run ends (cleanup.ts,
// preloaded by bunfig.toml).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

const folders = new Set<string>();
const processes = new Set<Subprocess>();

/** A fresh folder under TMPDIR, named `actions-runs-<purpose>-XXXXXX`; removed at the latest when the run ends. */
export function tempDir(purpose: string): string {
  const dir = mkdtempSync(join(tmpdir(), `actions-runs-${purpose}-`));
  folders.add(dir);
  return dir;
}

/** Remove a folder made by tempDir, now. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  folders.delete(dir);
}

/** A child process to kill -9 when the run ends, should the test that started it not have stopped it. */
export function ownProcess<P extends Subprocess>(proc: P): P {
  processes.add(proc);
  return proc;
}

/** Kill what still runs, then remove every folder still there (cleanup.ts calls this once, at the end). */
export function cleanUpEverything(): void {
  for (const proc of processes) {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
  }
  processes.clear();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  folders.clear();
}
