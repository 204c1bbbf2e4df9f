// Lines to a stream, gathered and written together once the current burst of work is done,
// so that a request line costs a string append rather than a write call.
import type { LogSink } from "./logger.ts";

const flushAtBytes = 64 * 1024;

export function streamSink(stream: { write(chunk: string): unknown } = process.stdout): LogSink {
  let pending = "";
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === "") return;
    const chunk = pending;
    pending = "";
    stream.write(chunk);
  };
  return {
    write(line) {
      pending += line + "\n";
      if (pending.length >= flushAtBytes) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
