// Lines to a stream, gathered and written together: a request line costs a string append,
// and the stream is written at most every `flushAfterMs` (or once 64 KiB are waiting), not
// once per turn of the event loop, where a write call per request is a measurable share of a
// busy service's time. Events other than requests are written at once (see logger.ts), and
// so is everything waiting when the service stops.

export interface LogSink {
  write(line: string): void;
  /** Write out anything buffered, now. */
  flush(): void;
}

const flushAtBytes = 64 * 1024;

export function streamSink(stream: { write(chunk: string): unknown }, flushAfterMs = 50): LogSink {
  let pending = "";
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    if (pending === "") return;
    const chunk = pending;
    pending = "";
    stream.write(chunk);
  };
  return {
    write(line) {
      pending += line + "\n";
      if (pending.length >= flushAtBytes) flush();
      else if (timer === null) {
        timer = setTimeout(flush, flushAfterMs);
        // A line waiting to be written is no reason for the process to stay up; stopping flushes.
        (timer as { unref?: () => void }).unref?.();
      }
    },
    flush,
  };
}
