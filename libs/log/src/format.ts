import { prettyFactory } from 'pino-pretty';
import { z } from 'zod';

/** JSON lines for machines and log search; pretty lines for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

const logFormatSetting = z.enum(['json', 'pretty']).optional();

/**
 * `LOG_FORMAT` when set; otherwise pretty on a terminal and JSON when the output goes to a pipe
 * or a file, where something other than a person reads it.
 */
export function chooseLogFormat(
  env: NodeJS.ProcessEnv = process.env,
  output: { isTTY?: boolean } = process.stdout,
): LogFormat {
  const setting = logFormatSetting.safeParse(env.LOG_FORMAT || undefined);
  if (!setting.success) throw new Error(`LOG_FORMAT must be json or pretty, got "${env.LOG_FORMAT}"`);
  return setting.data ?? (output.isTTY ? 'pretty' : 'json');
}

/**
 * Turns one JSON log line (as createLogger writes it) into a one-line human form:
 * `14:02:31.120 INFO: strategy · grpc call {"method":…}`. Colours when the terminal takes them
 * (pino-pretty's default, which honours NO_COLOR and FORCE_COLOR) unless `colorize` says otherwise.
 */
export function prettyLogLine({ colorize }: { colorize?: boolean } = {}): (jsonLine: string) => string {
  return prettyFactory({
    ...(colorize === undefined ? {} : { colorize }),
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    // The service leads the message; pid and hostname are noise on one machine (the JSON keeps them).
    ignore: 'pid,hostname,service',
    messageFormat: (log, messageKey) => `${log.service ?? '?'} · ${log[messageKey] ?? ''}`,
  });
}

/**
 * A logger destination that writes each line in its pretty form, synchronously: the last lines
 * before a crash (process.exit) still reach the terminal.
 */
export function prettyDestination(output: { write(text: string): unknown }, colorize?: boolean) {
  const pretty = prettyLogLine({ colorize });
  return { write: (jsonLine: string) => output.write(pretty(jsonLine)) };
}
