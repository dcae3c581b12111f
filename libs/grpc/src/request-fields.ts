import { genderCodec } from '@prism/proto/vocabulary';
import { z } from 'zod';

/**
 * Building blocks of request schemas every Prism API shares, so the same field answers the
 * same way everywhere (messages become `google.rpc.BadRequest` descriptions).
 */

/** A message field that must be present: "is required" instead of zod's type message. */
export const required = (what = 'is required') => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? what : undefined),
});

export const trimmed = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);

export const requiredText = (max: number) => trimmed(max).min(1, 'must not be empty');

/** A list of non-empty strings. */
export const textList = (max: number, maxItems: number) =>
  z.array(requiredText(max)).max(maxItems, `must have at most ${maxItems} items`);

export const resourceId = z
  .string()
  .min(1, 'is required')
  .max(100, 'must be at most 100 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, "_" and "-"');

/** An optional id filter: empty means "any". */
export const optionalResourceId = z.union([z.literal(''), resourceId]);

export const expectedVersion = z.number().int().min(0);

/** Campaign epochs start at 1, so 0 (the proto default) means the caller did not send one. */
export const expectedEpoch = z.number().int().min(1, 'is required: send the epoch you last read');

/** A proto enum read into a domain name; UNSPECIFIED and unknown numbers are violations. */
export function protoEnum<Name extends string>(
  fromProto: (value: number) => Name | undefined,
  expected: string,
) {
  return z.number().transform((value, ctx): Name => {
    const name = fromProto(value);
    if (!name) ctx.addIssue({ code: 'custom', message: `must be one of ${expected} (got ${value})` });
    return name as Name;
  });
}

/** Inclusive age range 0–120. */
export const ageRange = z
  .object({ min: z.number().int().min(0).max(120), max: z.number().int().min(0).max(120) })
  .refine((range) => range.min <= range.max, { message: 'min must not exceed max', path: ['max'] });

/** Genders of a target audience or persona (strategy API's Gender), each at most once. */
export const genderList = z
  .array(protoEnum(genderCodec.fromProto, 'FEMALE, MALE, NON_BINARY'))
  .max(3)
  .refine((list) => new Set(list).size === list.length, 'must not repeat a gender');

/** Opaque page tokens: base64url of the last id of the previous page. */
const pageToken = z.string().transform((token, ctx) => {
  if (token === '') return undefined;
  const after = Buffer.from(token, 'base64url').toString('utf8');
  if (!resourceId.safeParse(after).success)
    ctx.addIssue({ code: 'custom', message: 'is not a token this API issued' });
  return after;
});

export const pageTokenAfter = (lastId: string | undefined) =>
  lastId ? Buffer.from(lastId, 'utf8').toString('base64url') : '';

/** `page_size` (1–100, 0 means 20) and `page_token`, for list requests. */
export const pageRequest = {
  pageSize: z
    .number()
    .int()
    .min(0)
    .max(100, 'must be at most 100')
    .transform((size) => size || 20),
  pageToken,
};
