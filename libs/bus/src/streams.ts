import {
  DiscardPolicy,
  type JetStreamManager,
  NatsError,
  nanos,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  type StreamInfo,
} from 'nats';
import { PREFIX_PATTERN } from './envelope.js';

// JetStream API error codes (server errors.json), stable across 2.9 and later.
const STREAM_NOT_FOUND = 10059;
const STREAM_NAME_IN_USE = 10058;

export function assertPrefix(prefix: string): void {
  if (!PREFIX_PATTERN.test(prefix)) throw new TypeError(`invalid subject prefix "${prefix}"`);
}

/** `PRISM_AUDIENCE_SYNC` for (`prism`, `audience-sync`): one stream per owning service. */
export function streamName(prefix: string, service: string): string {
  assertPrefix(prefix);
  return `${prefix.toUpperCase()}_${service.toUpperCase().replace(/-/g, '_')}`;
}

export function deadLetterStreamName(prefix: string): string {
  assertPrefix(prefix);
  return `${prefix.toUpperCase()}_DLQ`;
}

/** Where a durable consumer parks what it gave up on: `prism.dlq.<durable>`. */
export function deadLetterSubjectOf(prefix: string, durable: string): string {
  return `${prefix}.dlq.${durable}`;
}

/**
 * Subjects of the dead-letter stream. Deliberately `<prefix>.dlq.*`, not `<prefix>.dlq.>`: the
 * server refuses streams whose subjects overlap, and `prism.dlq.>` overlaps every service stream
 * of the form `prism.*.campaign.*` (both match `prism.dlq.campaign.x`). Exactly three tokens
 * cannot collide with event subjects, which always have at least four; durable names contain no
 * dots, so `prism.dlq.<durable>` is always captured.
 */
export function deadLetterStreamSubjects(prefix: string): string[] {
  assertPrefix(prefix);
  return [`${prefix}.dlq.*`];
}

export interface StreamSpec {
  name: string;
  subjects: string[];
  /** How long JetStream remembers `Nats-Msg-Id`s to drop republished duplicates (outbox relay retries). */
  duplicateWindowMs?: number;
  /** 0 keeps messages until limits say otherwise; events are the integration contract, so keep by default. */
  maxAgeMs?: number;
}

function apiErrorCode(err: unknown): number | undefined {
  return err instanceof NatsError ? err.api_error?.err_code : undefined;
}

function sameSubjects(a: string[] | undefined, b: string[]): boolean {
  const have = [...(a ?? [])].sort();
  const want = [...b].sort();
  return have.length === want.length && have.every((s, i) => s === want[i]);
}

/**
 * Create-or-update, safe to call from every replica at every start. Updates only what this
 * lib owns (subjects, dedupe window, age) and leaves other settings an operator may have tuned.
 */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<StreamInfo> {
  const wanted = {
    subjects: spec.subjects,
    duplicate_window: nanos(spec.duplicateWindowMs ?? 120_000),
    max_age: nanos(spec.maxAgeMs ?? 0),
  } satisfies Partial<StreamConfig>;

  let info: StreamInfo | undefined;
  try {
    info = await jsm.streams.info(spec.name);
  } catch (err) {
    if (apiErrorCode(err) !== STREAM_NOT_FOUND) throw err;
  }
  if (!info) {
    try {
      return await jsm.streams.add({
        name: spec.name,
        ...wanted,
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        discard: DiscardPolicy.Old,
        num_replicas: 1,
      });
    } catch (err) {
      // Another replica created it between our info and add: fall through to the update check.
      if (apiErrorCode(err) !== STREAM_NAME_IN_USE) throw err;
      info = await jsm.streams.info(spec.name);
    }
  }
  const current = info.config;
  if (
    sameSubjects(current.subjects, wanted.subjects) &&
    current.duplicate_window === wanted.duplicate_window &&
    current.max_age === wanted.max_age
  ) {
    return info;
  }
  return jsm.streams.update(spec.name, { ...current, ...wanted });
}

/** The shared dead-letter stream every consumer of this prefix hands failed messages to. */
export function ensureDeadLetterStream(
  jsm: JetStreamManager,
  prefix: string,
  opts: Pick<StreamSpec, 'duplicateWindowMs' | 'maxAgeMs'> = {},
): Promise<StreamInfo> {
  return ensureStream(jsm, {
    name: deadLetterStreamName(prefix),
    subjects: deadLetterStreamSubjects(prefix),
    ...opts,
  });
}
