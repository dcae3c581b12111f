import { hostname } from 'node:os';
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';
import { requestContext } from './context.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where JSON lines go; stdout when omitted. Tests pass a stream to read them back. */
  destination?: DestinationStream;
}

/** A JSON logger whose lines carry `service` and, inside a request context, `traceId` and `spaceId`. */
export function createLogger(service: string, { level = 'info', destination }: LoggerOptions = {}): Logger {
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
  return destination ? pino(options, destination) : pino(options);
}
