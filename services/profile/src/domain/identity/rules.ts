import { InvalidArgument, protoFieldPath } from '@prism/errors';
import { z } from 'zod';
import { IDENTIFIER_TYPE, type Identifier } from './identifier.js';

/** Segment's recommended blocked values: placeholders that SDKs and forms send instead of an id. */
export const DEFAULT_BLOCKED_VALUES: readonly string[] = ['^[0-]*$', '^null$', '^anonymous$', '^undefined$'];

/** Per-type limits of a profile (0 = no limit); types not listed get `customLimit`. */
export const DEFAULT_LIMITS: Readonly<Record<string, number>> = {
  user_id: 1,
  email: 5,
  phone: 5,
  anonymous_id: 5,
};

/** In `priority`, stands for every type not listed by name (the custom external ids). */
export const OTHER_TYPES = '*';

export const DEFAULT_PRIORITY: readonly string[] = ['user_id', 'email', 'phone', OTHER_TYPES, 'anonymous_id'];

const MAX_PATTERN_LENGTH = 200;

/**
 * A quantified group holding a quantifier, e.g. `(a+)+` or `(\w*x){2,}`: the shape behind most
 * catastrophic backtracking. A heuristic (it also refuses some harmless patterns, such as escaped
 * parentheses quantified twice); with values capped at 256 characters it leaves little to fear.
 */
const NESTED_QUANTIFIER = /\([^()]*(?:[*+]|\{\d+,\d*\})[^()]*\)(?:[*+]|\{\d+,\d*\})/;

const pattern = z
  .string()
  .min(1)
  .max(MAX_PATTERN_LENGTH)
  .superRefine((source, ctx) => {
    const problem = patternProblem(source);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const limit = z.int().min(0).max(1000);
const identifierType = z.string().regex(IDENTIFIER_TYPE, 'must be 1 to 64 of a-z, 0-9, "_", "." and "-"');

export const identityRulesSchema = z.object({
  /** Regexes, matched case-insensitively against every identifier's normalised value. */
  blockedValues: z
    .array(pattern)
    .max(100)
    .default(() => [...DEFAULT_BLOCKED_VALUES]),
  /** Merged over `DEFAULT_LIMITS`, so a space only states the limits it changes. */
  limits: z
    .record(identifierType, limit)
    .default({})
    .transform((given) => ({ ...DEFAULT_LIMITS, ...given })),
  customLimit: limit.default(5),
  /** Highest first; the lowest-priority identifier of a message is demoted first. */
  priority: z
    .array(z.union([identifierType, z.literal(OTHER_TYPES)]))
    .max(100)
    .default(() => [...DEFAULT_PRIORITY])
    .superRefine((types, ctx) => {
      types.forEach((type, i) => {
        if (types.indexOf(type) !== i)
          ctx.addIssue({ code: 'custom', message: `repeats ${type}`, path: [i] });
      });
    }),
  /** Profiles a profile may absorb in total (0 = no cap). */
  maxMergesPerProfile: z.int().min(0).default(100),
});

/** A space's identity rules as configured (all fields optional). */
export type IdentityRulesInput = z.input<typeof identityRulesSchema>;
export type IdentityRulesSettings = z.output<typeof identityRulesSchema>;

/** Validated rules, with the regexes compiled once for all the messages they are applied to. */
export interface IdentityRules {
  readonly settings: IdentityRulesSettings;
  isBlocked(identifier: Identifier): boolean;
  /** 0 = no limit. */
  limitOf(type: string): number;
  /** Lower = higher priority. */
  rankOf(type: string): number;
}

/**
 * @param field the request field the rules came from, prefixed to each violation's path
 * @throws InvalidArgument naming every invalid field, e.g. `identity_rules.blocked_values[1]`
 */
export function parseIdentityRules(input: unknown = {}, field = 'identity_rules'): IdentityRules {
  const parsed = identityRulesSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidArgument(
      parsed.error.issues.map((issue) => ({
        field: protoFieldPath([field, ...issue.path]),
        description: issue.message,
      })),
    );
  }
  const settings = parsed.data;
  const blocked = settings.blockedValues.map((source) => new RegExp(source, 'i'));
  // Unnamed types rank at `*`, or after every named type when `*` is not listed.
  const otherRank = settings.priority.includes(OTHER_TYPES)
    ? settings.priority.indexOf(OTHER_TYPES)
    : settings.priority.length;
  return {
    settings,
    isBlocked: ({ value }) => blocked.some((regex) => regex.test(value)),
    limitOf: (type) => settings.limits[type] ?? settings.customLimit,
    rankOf: (type) => (settings.priority.includes(type) ? settings.priority.indexOf(type) : otherRank),
  };
}

export const DEFAULT_IDENTITY_RULES: IdentityRules = parseIdentityRules();

function patternProblem(source: string): string | undefined {
  try {
    new RegExp(source, 'i');
  } catch (error) {
    return `is not a valid regular expression: ${(error as Error).message}`;
  }
  return NESTED_QUANTIFIER.test(source)
    ? 'nests quantifiers (like "(a+)+"), which can take exponential time; rewrite it without'
    : undefined;
}
