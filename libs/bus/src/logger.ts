/**
 * The bus only needs four log levels. Typing them minimally (instead of importing pino or
 * @prism/log) keeps this lib independent while still accepting a pino logger as-is. Errors are
 * passed under `err` so pino's standard serializer records their stack.
 */
export interface BusLogger {
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
  debug(obj: Record<string, unknown>, msg?: string): void;
}

const noop = (): void => {};

// Error has no enumerable fields, so JSON.stringify would print `{}` for it.
const withErrors = (_key: string, value: unknown): unknown =>
  value instanceof Error ? { type: value.name, message: value.message, stack: value.stack } : value;

const line = (level: string, obj: Record<string, unknown>, msg?: string): void => {
  process.stderr.write(`${JSON.stringify({ level, time: Date.now(), msg, ...obj }, withErrors)}\n`);
};

/**
 * Default when no logger is given: quiet on info/debug but never silent on problems, because a
 * consumer that dead-letters or fails to ack without a trace is the hardest bug to find.
 */
export const stderrLogger: BusLogger = {
  info: noop,
  debug: noop,
  warn: (obj, msg) => line('warn', obj, msg),
  error: (obj, msg) => line('error', obj, msg),
};

/** For benchmarks and tests whose expected failures would only be noise. */
export const silentLogger: BusLogger = { info: noop, debug: noop, warn: noop, error: noop };
