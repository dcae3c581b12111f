import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * A TCP port from a decimal string. `allowZero` is for ports where 0 has a meaning (metrics: off).
 * Stricter than `z.coerce.number()`, which would accept "", "0x50" or "1e3".
 */
export function port(defaultPort: number, { allowZero = false } = {}) {
  const min = allowZero ? 0 : 1;
  const message = `expected an integer port ${min}-65535`;
  return z
    .string()
    .regex(/^\d{1,5}$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(65535, message))
    .default(defaultPort);
}

/**
 * A server URL with one of `schemes`. Only the scheme is checked: MongoDB seed lists
 * (`mongodb://a:27017,b:27017/db`) are not WHATWG URLs, and the drivers validate the rest.
 */
export function url(schemes: readonly string[], defaultUrl: string) {
  const pattern = new RegExp(`^(${schemes.map((s) => s.replace(/[+.]/g, '\\$&')).join('|')})://\\S+$`);
  return z
    .string()
    .regex(pattern, `expected a ${schemes.map((s) => `${s}://`).join(' or ')} URL`)
    .default(defaultUrl);
}

const SPACE_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const MIN_KEY_LENGTH = 8;

/** `space:key[,space:key...]` parsed into key → space id. Problems name the entry, never the key. */
export function apiKeys() {
  return z.string().transform((raw, ctx) => {
    const keys = new Map<string, string>();
    raw.split(',').forEach((entry, index) => {
      // Space ids cannot contain ':', so the first one separates space from key.
      const colon = entry.indexOf(':');
      const space = entry.slice(0, colon).trim();
      const key = entry.slice(colon + 1).trim();
      const problem = colon < 0 ? 'expected space:key' : entryProblem(space, key, keys);
      if (problem) ctx.addIssue({ code: 'custom', message: `entry ${index + 1}: ${problem}` });
      else keys.set(key, space);
    });
    return keys;
  });
}

function entryProblem(space: string, key: string, earlier: ReadonlyMap<string, string>): string | undefined {
  if (!SPACE_ID.test(space)) return `space id ${JSON.stringify(space)} must match ${SPACE_ID.source}`;
  if (key.length < MIN_KEY_LENGTH) return `key must be at least ${MIN_KEY_LENGTH} characters`;
  if (earlier.has(key)) return 'key is listed twice';
  return undefined;
}

/** A whole number from a decimal string, within `min`..`max`. */
export function wholeNumber(defaultValue: number, { min = 0, max = 1_000_000_000 } = {}) {
  const message = `expected a whole number ${min}-${max}`;
  return z
    .string()
    .regex(/^\d{1,10}$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message))
    .default(defaultValue);
}

/** `host:port` of another service's gRPC API. */
export function grpcAddress(defaultAddress: string) {
  return z
    .string()
    .regex(/^\S+:\d{1,5}$/, 'expected host:port')
    .default(defaultAddress);
}

/** The text of a PEM file as `pemFile` read it; branded, so a file's path cannot pass for its text. */
export type PemText = string & z.$brand<'PemText'>;

/**
 * The path of a PEM file (certificate, key, CA), read once when the config is loaded: the output is
 * the file's text, so an unreadable or non-PEM file stops the start with the variable's name.
 */
export function pemFile() {
  return z.string().transform((path, ctx): PemText => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      ctx.addIssue({ code: 'custom', message: `cannot read the file (${code})` });
      return z.NEVER;
    }
    if (!text.includes('-----BEGIN ')) ctx.addIssue({ code: 'custom', message: 'expected a PEM file' });
    return text as PemText;
  });
}

/** The client side of TLS: what command lines and scripts read when they call Prism services. */
export const clientTlsEnv = {
  // Trusted when calling other Prism services; when set, those calls use TLS.
  PRISM_TLS_CA_FILE: pemFile().optional(),
};

/** Variables that mean something only together: a config setting one of them must set the other. */
export const pairedVariables = [['PRISM_TLS_CERT_FILE', 'PRISM_TLS_KEY_FILE']] as const;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Variables every service reads; spread into a service's own `z.object({...commonEnv, ...})`. */
export const commonEnv = {
  NATS_URL: url(['nats', 'tls'], 'nats://127.0.0.1:4222'),
  MONGO_URL: url(['mongodb', 'mongodb+srv'], 'mongodb://127.0.0.1:27017/'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  // The prefix is the first token of every subject, so it must be a valid NATS token.
  PRISM_SUBJECT_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, 'expected a NATS subject token (a-z first, then a-z, 0-9, _)')
    .default('prism'),
  // prefault, not default: the demo key goes through the parser, and each load gets its own Map.
  PRISM_API_KEYS: apiKeys().prefault('demo:demo-key'),
  METRICS_PORT: port(0, { allowZero: true }),
  // Requests per second one space may make to a service's gRPC API (and to the HTTP Tracking API),
  // and how many at once above that rate; 0 turns the limit off. Generous: a guard, not a quota.
  PRISM_RATE_LIMIT_RPS: wholeNumber(10_000),
  PRISM_RATE_LIMIT_BURST: wholeNumber(20_000, { min: 1 }),
  // The gRPC server's (and the HTTP Tracking API's) certificate and key: both or neither
  // (pairedVariables). Without them the service serves plaintext, the local default.
  PRISM_TLS_CERT_FILE: pemFile().optional(),
  PRISM_TLS_KEY_FILE: pemFile().optional(),
  ...clientTlsEnv,
};
