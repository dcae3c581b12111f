import { z } from 'zod';
import { InvalidEvent, PoisonMessage } from './errors.js';
import { uuidv7 } from './event-id.js';

/** Space (tenant) ids are NATS subject tokens, so no dots, wildcards or whitespace. */
export const SPACE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** `<aggregate>.<event>` (or deeper, e.g. `campaign.personas.cleared`); each part is a subject token. */
export const EVENT_KIND_PATTERN = /^[a-z_]+(\.[a-z_]+)+$/;
/** Subject prefix (`prism`, or a random one per test file). One token: it also names streams. */
export const PREFIX_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;

/** CloudEvents `type` is the kind under a fixed namespace, independent of the subject prefix. */
const TYPE_NAMESPACE = 'prism.';
const EVENT_TYPE_PATTERN = /^prism\.[a-z_]+(\.[a-z_]+)+$/;
const TRACEPARENT_PATTERN = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
/** An audience key: a subject token of its events, stable across edits. */
export const AUDIENCE_KEY_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
/** Epochs can outgrow 2^53 in theory, and CloudEvents extensions are strings or int32: a decimal string. */
const EPOCH_PATTERN = /^(0|[1-9][0-9]*)$/;

/** CloudEvents 1.0 (structured JSON mode) with Prism's extension attributes. */
export interface PrismEvent<T = unknown> {
  specversion: '1.0';
  /** UUIDv7: unique, time-ordered, and the JetStream `Nats-Msg-Id` used for dedupe. */
  id: string;
  /** Producing service, e.g. `prism/strategy`. */
  source: string;
  /** `prism.<kind>`, e.g. `prism.campaign.approach_changed`. */
  type: string;
  /** Aggregate id the event is about. */
  subject: string;
  /** RFC 3339 timestamp. */
  time: string;
  datacontenttype: 'application/json';
  data: T;
  /** Space (tenant) id. */
  prismspace: string;
  /** Decimal epoch the event was produced under, where the aggregate has one. */
  prismepoch?: string;
  /** W3C trace context of the operation that caused the event. */
  traceparent?: string;
  /**
   * The audience key of an `audience.*` event: it becomes a subject token
   * (`<prefix>.<space>.audience.<key>.entered`), so partners can follow one audience.
   */
  prismaudience?: string;
}

export const prismEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.uuid({ version: 'v7' }),
  source: z.string().min(1),
  type: z.string().regex(EVENT_TYPE_PATTERN),
  subject: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z.literal('application/json'),
  // Every Prism event carries a payload; a missing `data` means a broken producer.
  data: z.unknown().refine((v) => v !== undefined, 'data is required'),
  prismspace: z.string().regex(SPACE_ID_PATTERN),
  prismepoch: z.string().regex(EPOCH_PATTERN).optional(),
  traceparent: z.string().regex(TRACEPARENT_PATTERN).optional(),
  prismaudience: z.string().regex(AUDIENCE_KEY_PATTERN).optional(),
});

export interface NewEvent<T> {
  source: string;
  /** `aggregate.event`, e.g. `campaign.approach_changed`. */
  kind: string;
  space: string;
  subject: string;
  data: T;
  epoch?: bigint | number | string;
  traceparent?: string;
  /** The audience key an `audience.*` event routes by (see PrismEvent.prismaudience). */
  audience?: string;
  /** Overrides for replays and deterministic tests; normally generated. */
  id?: string;
  time?: Date;
}

/** Builds and validates an envelope, so a malformed event fails at its producer, not its consumers. */
export function createEvent<T>(input: NewEvent<T>): PrismEvent<T> {
  if (!EVENT_KIND_PATTERN.test(input.kind)) throw new InvalidEvent(`invalid event kind "${input.kind}"`);
  if (typeof input.epoch === 'number' && !(Number.isSafeInteger(input.epoch) && input.epoch >= 0)) {
    throw new InvalidEvent(`epoch must be a non-negative safe integer, got ${input.epoch}`);
  }
  const candidate: PrismEvent<T> = {
    specversion: '1.0',
    id: input.id ?? uuidv7(),
    source: input.source,
    type: `${TYPE_NAMESPACE}${input.kind}`,
    subject: input.subject,
    time: (input.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    data: input.data,
    prismspace: input.space,
    ...(input.epoch !== undefined && { prismepoch: String(input.epoch) }),
    ...(input.traceparent !== undefined && { traceparent: input.traceparent }),
    ...(input.audience !== undefined && { prismaudience: input.audience }),
  };
  const checked = prismEventSchema.safeParse(candidate);
  if (!checked.success) throw new InvalidEvent(`invalid event: ${z.prettifyError(checked.error)}`);
  return candidate;
}

/** `campaign.approach_changed` for type `prism.campaign.approach_changed`. */
export function kindOf(event: Pick<PrismEvent, 'type'>): string {
  return event.type.slice(TYPE_NAMESPACE.length);
}

/**
 * Subject for a space and kind; either may be a wildcard (`*`) for consumer filters. Kinds
 * keep their token count, so `campaign.*` (4 tokens with prefix and space) never matches the
 * 5-token `campaign.personas.cleared`.
 */
export function subjectOf(prefix: string, space: string, kind: string): string {
  return `${prefix}.${space}.${kind}`;
}

/**
 * `prism.acme.campaign.approach_changed`: the subject an event is published on. An audience
 * event's key goes after its aggregate token: `prism.acme.audience.vip.entered`.
 */
export function natsSubjectOf(
  prefix: string,
  event: Pick<PrismEvent, 'type' | 'prismspace' | 'prismaudience'>,
): string {
  const kind = kindOf(event);
  if (event.prismaudience === undefined) return subjectOf(prefix, event.prismspace, kind);
  const [aggregate, ...rest] = kind.split('.');
  return subjectOf(prefix, event.prismspace, [aggregate, event.prismaudience, ...rest].join('.'));
}

const utf8 = new TextEncoder();
// fatal: invalid UTF-8 must surface as poison, not as silently replaced characters.
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

export function encodeEvent(event: PrismEvent): Uint8Array {
  return utf8.encode(JSON.stringify(event));
}

/**
 * Parses and validates an envelope (and, given a schema, its payload: the consumer boundary of
 * docs/architecture.md §2). Anything unusable throws PoisonMessage, which no amount of redelivery can fix.
 */
export function decodeEvent<T = unknown>(bytes: Uint8Array, dataSchema?: z.ZodType<T>): PrismEvent<T> {
  let text: string;
  try {
    text = utf8Strict.decode(bytes);
  } catch (cause) {
    throw new PoisonMessage('invalid_utf8', 'message is not valid UTF-8', { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new PoisonMessage('invalid_json', 'message is not JSON', { cause });
  }
  const envelope = prismEventSchema.safeParse(json);
  if (!envelope.success) {
    throw new PoisonMessage('invalid_envelope', `invalid envelope: ${z.prettifyError(envelope.error)}`, {
      cause: envelope.error,
    });
  }
  const event = envelope.data as PrismEvent;
  if (!dataSchema) return event as PrismEvent<T>;
  const data = dataSchema.safeParse(event.data);
  if (!data.success) {
    throw new PoisonMessage('invalid_data', `invalid ${event.type} data: ${z.prettifyError(data.error)}`, {
      cause: data.error,
    });
  }
  return { ...event, data: data.data };
}

/** What an event takes from the command or event that caused it: the space and the trace. */
export interface EventContext {
  space: string;
  traceparent?: string | undefined;
}

/** A producer's event constructor: its source fixed, the cause's space and trace carried over. */
export function eventProducer(source: string) {
  return <T>(ctx: EventContext, kind: string, subject: string, data: T, epoch?: number): PrismEvent<T> =>
    createEvent({
      source,
      kind,
      space: ctx.space,
      subject,
      data,
      ...(epoch !== undefined && { epoch }),
      ...(ctx.traceparent && { traceparent: ctx.traceparent }),
    });
}
