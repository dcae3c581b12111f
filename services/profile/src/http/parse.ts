import type { FieldViolation } from '@prism/errors';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import {
  type JsonObject,
  MESSAGE_TYPES,
  type MessageType,
  type TrackingMessage,
} from '../domain/tracking-message.js';
import { parseInstant, resolveTimes } from './timestamps.js';

/**
 * Segment's Tracking API request limits
 * (https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/#max-request-size).
 */
export const MAX_MESSAGE_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;

/** Why a message (`index` in the batch) or the whole request (no `index`) was refused. */
export interface Rejection extends FieldViolation {
  index?: number;
}

/** `batch` or the type of message an endpoint takes (`POST /v1/<route>`). */
export type Route = MessageType | 'batch';

export interface ParsedRequest {
  messages: TrackingMessage[];
  rejected: Rejection[];
  /** The `writeKey` field of the body, which Segment accepts in place of Basic auth. */
  writeKey?: string;
}

// `required` when absent, `must be <what>` when of the wrong type.
const expecting = (what: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`),
});
const optional = <T extends z.ZodType>(schema: T) =>
  schema.nullish().transform((value) => value ?? undefined);

const jsonObject = z.record(z.string(), z.unknown(), expecting('an object'));
const string = z.string(expecting('a string'));
const text = string.regex(/\S/, 'must not be blank');
// SDKs have always sent numeric ids too (RudderStack coerces them); they are kept as strings.
const id = z
  .union([z.string(), z.number()], expecting('a string'))
  .transform(String)
  .pipe(z.string().regex(/\S/, 'must not be blank'));
const instant = z.string(expecting('an ISO-8601 date-time string')).transform((text, context) => {
  const date = parseInstant(text);
  if (date === undefined)
    context.addIssue({ code: 'custom', input: text, message: 'must be an ISO-8601 date-time' });
  return date ?? z.NEVER;
});

const externalId = z.looseObject({ id, type: text }, expecting('an object'));
// Other context fields are the sender's business and pass through as sent.
const context = z.looseObject(
  {
    traits: jsonObject.nullish(),
    externalIds: z.array(externalId, expecting('an array')).nullish(),
  },
  expecting('an object'),
);

const common = {
  messageId: optional(id),
  userId: optional(id),
  anonymousId: optional(id),
  traits: optional(jsonObject),
  properties: optional(jsonObject),
  context: optional(context),
  timestamp: optional(instant),
  originalTimestamp: optional(instant),
  sentAt: optional(instant),
};
const named = { name: optional(string), category: optional(string) };

/** Every field any message type has, as validated. */
type Fields = z.output<z.ZodObject<typeof common>> & {
  event?: string;
  name?: string;
  category?: string;
  groupId?: string;
  previousId?: string;
};

const identified = <T extends z.ZodObject>(schema: T) =>
  schema.refine((message) => message.userId !== undefined || message.anonymousId !== undefined, {
    path: ['userId'],
    message: 'userId or anonymousId is required',
  });

// Segment's per-type requirements; fields a type does not have are dropped.
const schemas: Record<MessageType, z.ZodType<Fields>> = {
  identify: identified(z.object(common)),
  track: identified(z.object({ event: text, ...common })),
  page: identified(z.object({ ...named, ...common })),
  screen: identified(z.object({ ...named, ...common })),
  group: identified(z.object({ groupId: id, ...common })),
  alias: z.object({ ...common, userId: id, previousId: id }),
};

const envelope = z.object({
  batch: z.array(z.unknown(), expecting('an array')).min(1, 'must contain at least one message'),
  context: optional(jsonObject),
  sentAt: optional(instant),
});

interface BatchDefaults {
  context?: JsonObject;
  sentAt?: Date;
}

/**
 * Validates the JSON body of `POST /v1/<route>`: a single message of that type, or for `batch`
 * `{ batch: [...], context?, sentAt? }` whose `context` applies under each message's own.
 */
export function parseTrackingRequest(route: Route, body: unknown, receivedAt: Date): ParsedRequest {
  if (!isObject(body)) return refused({ field: '', description: 'the body must be a JSON object' });
  const writeKey = typeof body.writeKey === 'string' ? { writeKey: body.writeKey } : {};
  return { ...parseMessages(route, body, receivedAt), ...writeKey };
}

function parseMessages(route: Route, body: JsonObject, receivedAt: Date): ParsedRequest {
  if (route !== 'batch') {
    const message = parseMessage({ ...body, type: route }, '', {}, receivedAt);
    return 'field' in message ? refused(message) : { messages: [message], rejected: [] };
  }
  const parsed = envelope.safeParse(body);
  if (!parsed.success) return refused(firstIssue(parsed.error, ''));
  const { batch, ...defaults } = parsed.data;
  const result: ParsedRequest = { messages: [], rejected: [] };
  batch.forEach((raw, index) => {
    const message = parseMessage(raw, `batch[${index}]`, defaults, receivedAt);
    if ('field' in message) result.rejected.push({ index, ...message });
    else result.messages.push(message);
  });
  return result;
}

function parseMessage(
  raw: unknown,
  at: string,
  defaults: BatchDefaults,
  receivedAt: Date,
): TrackingMessage | FieldViolation {
  if (!isObject(raw)) return { field: at, description: 'must be an object' };
  const bytes = jsonBytes(raw);
  if (bytes === undefined) return { field: at, description: 'is nested too deeply' };
  if (bytes > MAX_MESSAGE_BYTES)
    return { field: at, description: `is ${bytes} bytes of JSON; the limit is ${MAX_MESSAGE_BYTES}` };
  const { type } = raw;
  if (!isMessageType(type))
    return { field: path(at, 'type'), description: `must be one of ${MESSAGE_TYPES.join(', ')}` };
  const withDefaults =
    defaults.context && isObjectOrAbsent(raw.context)
      ? { ...raw, context: { ...defaults.context, ...raw.context } }
      : raw;
  const parsed = schemas[type].safeParse(withDefaults);
  if (!parsed.success) return firstIssue(parsed.error, at);
  const times = resolveTimes(parsed.data, defaults.sentAt, receivedAt);
  if ('field' in times) return { field: path(at, times.field), description: times.description };
  return toTrackingMessage(type, parsed.data, times, receivedAt);
}

function toTrackingMessage(
  type: MessageType,
  fields: Fields,
  times: Pick<TrackingMessage, 'timestamp' | 'sentAt'>,
  receivedAt: Date,
): TrackingMessage {
  const { userId, anonymousId, previousId, groupId, event, name, category } = fields;
  const context = fields.context ?? {};
  const contextTraits = context.traits ?? {};
  const properties = fields.properties ?? {};
  return {
    messageId: fields.messageId ?? uuidv7(),
    type,
    ...withoutUndefined({ userId, anonymousId, previousId, groupId, event, name }),
    traits: type === 'identify' ? (fields.traits ?? contextTraits) : contextTraits,
    // The message types with no `properties` keep their own fields there: a group's traits describe
    // the group, not the person, and a page's category is a property of the page.
    properties:
      type === 'group'
        ? (fields.traits ?? {})
        : category === undefined
          ? properties
          : { category, ...properties },
    context,
    externalIds: (context.externalIds ?? []).map((external) => ({ type: external.type, value: external.id })),
    ...times,
    receivedAt,
  };
}

function refused(rejection: Rejection): ParsedRequest {
  return { messages: [], rejected: [rejection] };
}

function firstIssue(error: z.ZodError, at: string): FieldViolation {
  const issue = error.issues[0];
  return { field: path(at, ...(issue?.path ?? [])), description: issue?.message ?? 'is invalid' };
}

/** A field's JSON path: `batch[3].context.externalIds[0].id`. */
function path(at: string, ...keys: PropertyKey[]): string {
  return keys.reduce<string>(
    (prefix, key) =>
      typeof key === 'number' ? `${prefix}[${key}]` : prefix ? `${prefix}.${String(key)}` : String(key),
    at,
  );
}

function jsonBytes(value: unknown): number | undefined {
  try {
    return Buffer.byteLength(JSON.stringify(value));
  } catch {
    return undefined; // RangeError: nested beyond the stack
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isObjectOrAbsent(value: unknown): value is JsonObject | null | undefined {
  return value === undefined || value === null || isObject(value);
}

function isMessageType(value: unknown): value is MessageType {
  return MESSAGE_TYPES.includes(value as MessageType);
}

function withoutUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}
