import type { z } from 'zod';

export type Env = Record<string, string | undefined>;

/** Thrown by `loadConfig`; the message lists every wrong or missing variable, one per line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  }
}

/** Parses the environment with `schema`, reporting all problems at once rather than the first. */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Env = process.env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(environment)');
      const value = env[name];
      const subject = issue.path.map(String).join('.') || name;
      return value === undefined
        ? `${subject}: required, not set`
        : `${subject}: ${issue.message}, got ${shown(name, value)}`;
    }),
  );
}

/**
 * Runs `load` and turns a ConfigError into a readable stderr message and exit code 1, so a misconfigured
 * service fails at start with the list of fixes instead of a stack trace. Other errors propagate.
 */
export function exitOnConfigError<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return process.exit(1);
  }
}

// Error messages end up in logs and CI output: never echo secrets or URL credentials.
function shown(name: string, value: string): string {
  if (/KEY|SECRET|TOKEN|PASSWORD/i.test(name)) return '<hidden>';
  return JSON.stringify(value.replace(/\/\/[^/@]*@/, '//***@'));
}
