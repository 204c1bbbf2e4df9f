// What `serve --workers N`'s supervisor and its workers tell each other over their IPC channel.
//
// - A worker that listens says so, with its started line's fields (the supervisor's `started`
//   line waits for every worker's).
// - /metrics asked of one worker answers for all of them: it asks the supervisor for the
//   others' expositions, the supervisor asks each of them, and hands the texts back.

export interface WorkerListening {
  type: "listening";
  started: Record<string, unknown>;
}

/** Worker → supervisor: the other workers' /metrics, please (answered by a MetricsReply of the same id). */
export interface MetricsRequest { type: "metrics-request"; id: number }
/** Supervisor → worker: your /metrics text, for the collection with this id. */
export interface MetricsCollect { type: "metrics-collect"; id: string }
/** Worker → supervisor: its /metrics text, for that collection. */
export interface MetricsText { type: "metrics-text"; id: string; text: string }
/** Supervisor → the worker that asked: every other worker's text that came within the wait, by worker number. */
export interface MetricsReply { type: "metrics-reply"; id: number; texts: { worker: number; text: string }[] }

export type WorkerMessage = WorkerListening | MetricsRequest | MetricsCollect | MetricsText | MetricsReply;

/** How long a collection waits for the other workers: one that has not answered by then is left out. */
export const metricsWaitMs = 1000;

export function isMessage<T extends WorkerMessage["type"]>(message: unknown, type: T): message is Extract<WorkerMessage, { type: T }> {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === type;
}
