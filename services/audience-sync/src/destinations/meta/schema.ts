import { z } from 'zod';

/**
 * The multi-key schema of Meta's customer-file custom audiences: the keys a row may carry, in the
 * order the row lists its values. Every key but EXTERN_ID and MADID is sent as a SHA-256 hex digest
 * of its normalised value; an unknown value is an empty string.
 */
export const META_KEYS = [
  'EMAIL',
  'PHONE',
  'FN',
  'LN',
  'CT',
  'ST',
  'ZIP',
  'COUNTRY',
  'GEN',
  'DOBY',
  'DOBM',
  'DOBD',
  'EXTERN_ID',
  'MADID',
] as const;
export type MetaKey = (typeof META_KEYS)[number];

/** Keys Meta takes as they are: an advertiser's own id and a device's advertising id. */
export const UNHASHED_KEYS: ReadonlySet<MetaKey> = new Set(['EXTERN_ID', 'MADID']);

/** One person's values, in the schema's key order. */
export type MetaRow = readonly string[];

/** Meta's cap on the rows of one `/users` or `/usersreplace` request. */
export const MAX_ROWS_PER_REQUEST = 10_000;

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A schema as a destination stores it: known keys, each once. */
export const metaSchemaSchema = z
  .array(z.enum(META_KEYS))
  .min(1, 'must name at least one key')
  .refine((keys) => new Set(keys).size === keys.length, 'must not repeat a key');

/** The `payload` of a `/users` or `/usersreplace` request (JSON in a form field), multi-key form. */
export const usersPayloadSchema = z.object({
  schema: z.array(z.enum(META_KEYS)).min(1),
  data: z.array(z.array(z.string())),
});

/** The `session` of a `/usersreplace` batch: one id per replace, `batch_seq` counting from 1. */
export const replaceSessionSchema = z.object({
  session_id: z.number().int().positive(),
  batch_seq: z.number().int().positive(),
  last_batch_flag: z.boolean(),
  estimated_num_total: z.number().int().nonnegative(),
});
export type ReplaceSession = z.infer<typeof replaceSessionSchema>;

/**
 * What is wrong with a row for the schema, if anything: a value count other than the schema's, a
 * hashed key whose value is not a SHA-256 hex digest (raw personal data must never leave), or
 * EXTERN_ID / MADID hashed.
 */
export function rowProblem(schema: readonly MetaKey[], row: MetaRow): string | undefined {
  if (row.length !== schema.length) return `has ${row.length} values for ${schema.length} keys`;
  const wrong = schema.find((key, column) => {
    const value = row[column] ?? '';
    return value !== '' && SHA256_HEX.test(value) === UNHASHED_KEYS.has(key);
  });
  if (wrong === undefined) return undefined;
  return `${wrong} must ${UNHASHED_KEYS.has(wrong) ? 'not ' : ''}be a SHA-256 hex digest`;
}

/** Whether a row has at least one value: Meta counts a row of empty values as invalid. */
export const hasAnyValue = (row: MetaRow): boolean => row.some((value) => value !== '');
