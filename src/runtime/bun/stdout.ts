// Standard output through Bun's own file sink. Node's process.stdout, the first time it is read,
// loads node:stream and node:tty: 10-12 ms of the executable's start-up, in every process of
// `serve --workers` and in their supervisor. Bun.stdout.writer() costs 0.3 ms.
import { fstatSync, statSync } from "node:fs";
import type { Stdout } from "../types.ts";

/** A character device other than /dev/null: a terminal, as isatty(1) would say, without node:tty. */
function isTerminal(fd: number): boolean {
  try {
    const out = fstatSync(fd);
    return out.isCharacterDevice() && out.rdev !== statSync("/dev/null").rdev;
  } catch {
    return false;
  }
}

export function bunStdout(): Stdout {
  const sink = Bun.stdout.writer();
  // A reader that went away (a supervisor killed with -9, a closed pipe) takes nothing more: the
  // lines are dropped, as Node's process.stdout drops them, and the process goes on (a worker
  // so orphaned stops by itself: serve.ts).
  let gone = false;
  const lost = () => void (gone = true);
  return {
    isTTY: isTerminal(1),
    // Written through at once: the log gathers its lines itself (log-sink.ts), and the
    // supervisor passes whole lines on.
    write(chunk) {
      if (gone) return;
      try {
        sink.write(chunk);
        const flushed = sink.flush();
        if (flushed instanceof Promise) flushed.catch(lost);
      } catch {
        lost();
      }
    },
  };
}
