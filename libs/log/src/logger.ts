import { hostname } from 'node:os';
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';
import { requestContext } from './context.js';
import { chooseLogFormat, type LogFormat, prettyDestination } from './format.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where lines go; stdout when omitted. Tests pass a stream to read them back. */
  destination?: DestinationStream;
  /**
   * On stdout: pretty on a terminal, JSON otherwise, unless LOG_FORMAT says (chooseLogFormat).
   * A given destination gets JSON: it is read by code, not a person.
   */
  format?: LogFormat;
}

/**
 * A logger whose lines carry `service` and, inside a request context, `traceId` and `spaceId`:
 * JSON lines, or their one-line human form when a person reads stdout.
 */
export function createLogger(
  service: string,
  { level = 'info', destination, format = destination ? 'json' : chooseLogFormat() }: LoggerOptions = {},
): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service, pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Level names rather than numbers: readable in log search without a mapping table.
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const context = requestContext.getStore();
      if (!context) return {};
      return context.spaceId === undefined
        ? { traceId: context.traceId }
        : { traceId: context.traceId, spaceId: context.spaceId };
    },
  };
  if (format === 'pretty') return pino(options, prettyDestination(destination ?? process.stdout));
  return destination ? pino(options, destination) : pino(options);
}
