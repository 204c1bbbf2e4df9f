// How every module logs: one function taking the event's name and its facts. Callers pass
// facts, never secrets: tokens and passwords are redacted before they get here (redact.ts).

export type LogFields = Record<string, unknown>;
export type Log = (event: string, fields?: LogFields) => void;
