import type { FieldViolation } from '@prism/errors';

// ISO-8601 as the SDKs send it (`Date#toJSON`), with the offset optional and seconds optional.
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const EARLIEST = Date.UTC(2000, 0, 1);
const MAX_AHEAD_MS = 24 * 60 * 60 * 1000;

/** The time fields of a message as sent (parsed with `parseInstant`). */
export interface SentTimes {
  timestamp?: Date;
  /** RudderStack's name for the sender-side time when `timestamp` is not set. */
  originalTimestamp?: Date;
  sentAt?: Date;
}

export interface ResolvedTimes {
  timestamp: Date;
  sentAt?: Date;
}

/**
 * An ISO-8601 date or date-time; `undefined` if it is not one. A date-time without an offset is UTC
 * (JavaScript would read it in the server's zone).
 */
export function parseInstant(text: string): Date | undefined {
  const match = ISO_8601.exec(text);
  if (!match) return undefined;
  const [year, month, day] = match.slice(1, 4).map(Number) as [number, number, number];
  // Date.parse rolls impossible dates over (February 30 is March 2): the written date must exist.
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  const hasTime = text.length > 10;
  const millis = Date.parse(hasTime && match[4] === undefined ? `${text}Z` : text);
  return Number.isNaN(millis) ? undefined : new Date(millis);
}

/**
 * Segment's clock-skew correction: the sender's `sentAt - timestamp` (how long ago, by its clock, the
 * event happened) is subtracted from the server's `receivedAt`, so a sender whose clock is wrong still
 * gets correct times. Without `sentAt` the timestamp is taken as sent; without a timestamp it is
 * `receivedAt`. `batchSentAt` applies to messages that carry no `sentAt` of their own.
 */
export function resolveTimes(
  sent: SentTimes,
  batchSentAt: Date | undefined,
  receivedAt: Date,
): ResolvedTimes | FieldViolation {
  const sentAt = sent.sentAt ?? batchSentAt;
  const field = sent.timestamp !== undefined ? 'timestamp' : 'originalTimestamp';
  const original = sent[field];
  if (original === undefined) return withSentAt({ timestamp: receivedAt }, sentAt);
  const timestamp =
    sentAt === undefined
      ? original
      : new Date(receivedAt.getTime() - (sentAt.getTime() - original.getTime()));
  const corrected = sentAt === undefined ? '' : ' after clock-skew correction by sentAt';
  if (timestamp.getTime() < EARLIEST) return { field, description: `is before 2000-01-01${corrected}` };
  if (timestamp.getTime() > receivedAt.getTime() + MAX_AHEAD_MS)
    return { field, description: `is more than 24 hours in the future${corrected}` };
  return withSentAt({ timestamp }, sentAt);
}

function withSentAt(times: ResolvedTimes, sentAt: Date | undefined): ResolvedTimes {
  return sentAt === undefined ? times : { ...times, sentAt };
}
