import { InvalidArgument } from '@prism/errors';
import type { Identifier, TrackingMessage } from '../tracking-message.js';

export type { Identifier };

/** The Profile API's lookup by Prism's own profile id: accepted by `parseIdentifier`, never held by the graph. */
export const PROFILE_ID = 'profile_id';

/**
 * Longer values are dropped, not truncated: two long values sharing a prefix would otherwise become
 * one identifier and merge two people. The cap also bounds the work of the blocked-value regexes.
 */
export const MAX_VALUE_LENGTH = 256;

/** Identifier types are lower-cased; no `:` (the separator of `type:value`) and no spaces. */
export const IDENTIFIER_TYPE = /^[a-z0-9_.-]{1,64}$/;

/** What `identifiersOf` needs to know about the stored graph to read an alias; `IdentityGraph` is one. */
export interface KnownIdentifiers {
  profileOf(identifier: Identifier): string | undefined;
}

const nothingKnown: KnownIdentifiers = { profileOf: () => undefined };

/** The canonical form of an identifier, or undefined when it has no usable value. */
export function normalizeIdentifier(type: string, value: string): Identifier | undefined {
  const normalType = normalizeType(type);
  if (normalType === undefined || normalType === PROFILE_ID) return undefined;
  const normalValue = normalizeValue(normalType, value);
  return normalValue === undefined ? undefined : { type: normalType, value: normalValue };
}

/** `type:value`: the key of the graph's identifier index and the text `parseIdentifier` reads. */
export function identifierKey({ type, value }: Identifier): string {
  return `${type}:${value}`;
}

/** The first occurrence of each identifier, in order. */
export function distinctIdentifiers(identifiers: Iterable<Identifier>): Identifier[] {
  const byKey = new Map<string, Identifier>();
  for (const identifier of identifiers) {
    const key = identifierKey(identifier);
    if (!byKey.has(key)) byKey.set(key, identifier);
  }
  return [...byKey.values()];
}

/**
 * The identifiers a message carries, normalised, in the order userId, anonymousId, traits.email,
 * traits.phone, external ids, previousId. Non-string traits and unusable values are skipped.
 *
 * An alias's `previousId` may be an earlier anonymousId or an earlier userId (Segment's spec allows
 * both), and the message does not say which. It is read as the `anonymous_id` if the graph knows that
 * one, else as the `user_id` if the graph knows that one, else as an `anonymous_id`: an unknown
 * previous id is most often the anonymous id of a visitor who has just signed up.
 */
export function identifiersOf(
  message: TrackingMessage,
  known: KnownIdentifiers = nothingKnown,
): Identifier[] {
  const fields: [string, unknown][] = [
    ['user_id', message.userId],
    ['anonymous_id', message.anonymousId],
    ['email', message.traits.email],
    ['phone', message.traits.phone],
    ...message.externalIds.map(({ type, value }): [string, unknown] => [type, value]),
  ];
  if (message.previousId !== undefined) {
    fields.push([previousIdType(message.previousId, known), message.previousId]);
  }
  return distinctIdentifiers(
    fields.flatMap(([type, value]) => {
      const identifier = typeof value === 'string' ? normalizeIdentifier(type, value) : undefined;
      return identifier ? [identifier] : [];
    }),
  );
}

function previousIdType(previousId: string, known: KnownIdentifiers): 'anonymous_id' | 'user_id' {
  const isKnown = (type: string) => {
    const identifier = normalizeIdentifier(type, previousId);
    return identifier !== undefined && known.profileOf(identifier) !== undefined;
  };
  return !isKnown('anonymous_id') && isKnown('user_id') ? 'user_id' : 'anonymous_id';
}

/**
 * Reads `type:value` (e.g. `email:Jane@X.com`, `profile_id:p_123`) as given to the Profile API, with the
 * value normalised as the pipeline does, so a lookup finds what ingestion stored.
 * @param field the request field the text came from, named in the error
 */
export function parseIdentifier(text: string, field: string): Identifier {
  const colon = text.indexOf(':');
  if (colon < 0) throw invalid(field, 'must be "<type>:<value>", e.g. "email:jane@example.com"');
  const type = normalizeType(text.slice(0, colon));
  if (type === undefined) {
    throw invalid(field, 'has an invalid type: use 1 to 64 of a-z, 0-9, "_", "." and "-" before the ":"');
  }
  const value = normalizeValue(type, text.slice(colon + 1));
  if (value === undefined) {
    throw invalid(
      field,
      `has no usable ${type} value after the ":" (empty, or over ${MAX_VALUE_LENGTH} characters)`,
    );
  }
  return { type, value };
}

function normalizeType(type: string): string | undefined {
  const normal = type.trim().toLowerCase();
  return IDENTIFIER_TYPE.test(normal) ? normal : undefined;
}

function normalizeValue(type: string, value: string): string | undefined {
  const normal = canonicalValue(type, value.trim());
  return normal.length > 0 && normal.length <= MAX_VALUE_LENGTH ? normal : undefined;
}

function canonicalValue(type: string, value: string): string {
  switch (type) {
    case 'email':
      return value.toLowerCase();
    case 'phone': {
      // Formatting differs by sender ("+1 (555) 010-2000", "+1.555.010.2000"); the digits do not.
      const digits = value.replace(/\D/g, '');
      return digits && value.startsWith('+') ? `+${digits}` : digits;
    }
    default:
      return value;
  }
}

function invalid(field: string, description: string): InvalidArgument {
  return new InvalidArgument([{ field, description }]);
}
