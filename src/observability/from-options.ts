// The logger the serve command's flags ask for, and the start-up line's account of the
// configuration in effect.
import { UsageError } from "../cli/args.ts";
import type { CommandSpec, ParsedOptions } from "../cli/args.ts";
import { redactUrl } from "../log.ts";
import { streamSink } from "./log-sink.ts";
import { createLogger, logLevels } from "./logger.ts";
import type { LogFormat, Logger, LogLevel } from "./logger.ts";

export function loggerFromOptions(opts: ParsedOptions, stdout: { isTTY?: boolean; write(chunk: string): unknown } = process.stdout): Logger {
  const level = (opts["log-level"] as string | undefined) ?? "info";
  if (!logLevels.includes(level as LogLevel)) throw new UsageError(`--log-level must be one of ${logLevels.join(", ")}, not '${level}'`);
  const format = (opts["log-format"] as string | undefined) ?? "auto";
  if (!["auto", "json", "text"].includes(format)) throw new UsageError(`--log-format must be auto, json or text, not '${format}'`);
  const chosen: LogFormat = format === "auto" ? (stdout.isTTY ? "text" : "json") : (format as LogFormat);
  return createLogger({ level: level as LogLevel, format: chosen, sink: streamSink(stdout) });
}

/** Every option's value as the process sees it, URLs with their passwords and tokens masked. */
export function configurationInEffect(spec: CommandSpec, opts: ParsedOptions): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    if (name === "help") continue;
    const value = opts[name];
    out[name] = value === undefined ? null : option.placeholder === "URL" && typeof value === "string" ? redactUrl(value) : value;
  }
  return out;
}
