import type { z } from 'zod';
import { pairedVariables } from './fields.js';

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
  const unpaired = unpairedProblems(schema, env);
  if (result.success && unpaired.length === 0) return result.data;
  const issues = result.success ? [] : result.error.issues;
  throw new ConfigError([
    ...issues.map((issue) => {
      const name = String(issue.path[0] ?? '(environment)');
      const value = env[name];
      const subject = issue.path.map(String).join('.') || name;
      return value === undefined
        ? `${subject}: required, not set`
        : `${subject}: ${issue.message}, got ${shown(name, value)}`;
    }),
    ...unpaired,
  ]);
}

/** The variable of each pair the schema reads that is missing while its partner is set. */
function unpairedProblems(schema: z.ZodObject, env: Env): string[] {
  return pairedVariables.flatMap(([first, second]) => {
    if (!(first in schema.shape && second in schema.shape)) return [];
    const [set, missing] = env[first] === undefined ? [second, first] : [first, second];
    if (env[set] === undefined || env[missing] !== undefined) return [];
    return [`${missing}: required when ${set} is set, not set`];
  });
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
  // A file's path is not its secret: PRISM_TLS_KEY_FILE's path is shown.
  if (/KEY|SECRET|TOKEN|PASSWORD/i.test(name) && !name.endsWith('_FILE')) return '<hidden>';
  return JSON.stringify(value.replace(/\/\/[^/@]*@/, '//***@'));
}
