import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerInfo,
  DeliverPolicy,
  type JetStreamManager,
  NatsError,
  nanos,
} from 'nats';

const CONSUMER_NOT_FOUND = 10014;
// NATS durable names are single subject tokens (they end up in API subjects).
const DURABLE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface DurableSpec {
  stream: string;
  durable: string;
  /** One subject (wildcards allowed): several filter subjects need NATS 2.10, we target 2.9. */
  filterSubject: string;
  /** Handler attempts before dead-lettering. */
  maxDeliver: number;
  /** Time a delivery may stay unacked before the server redelivers it (crash detection). */
  ackWaitMs: number;
  /** Cap on unacked deliveries (in flight + waiting on a nak delay). Server default if omitted. */
  maxAckPending?: number;
}

/**
 * Server-side `max_deliver` for a given handler budget. One spare delivery lets a consumer
 * retry the dead-letter hand-off itself if publishing to the DLQ failed on the last attempt;
 * without it the server would stop delivering and the message would silently miss the DLQ.
 */
export function serverMaxDeliver(maxDeliver: number): number {
  return maxDeliver + 1;
}

/**
 * Creates the durable pull consumer, or updates the settings that may change between
 * deployments. Kept apart from consumption so a process (or a test) can stop and start
 * consuming on the same durable and get its unacked messages back.
 */
export async function ensureDurableConsumer(jsm: JetStreamManager, spec: DurableSpec): Promise<ConsumerInfo> {
  if (!DURABLE_PATTERN.test(spec.durable)) throw new TypeError(`invalid durable name "${spec.durable}"`);
  if (!Number.isInteger(spec.maxDeliver) || spec.maxDeliver < 1)
    throw new TypeError('maxDeliver must be >= 1');
  const wanted = {
    filter_subject: spec.filterSubject,
    ack_wait: nanos(spec.ackWaitMs),
    max_deliver: serverMaxDeliver(spec.maxDeliver),
    ...(spec.maxAckPending !== undefined && { max_ack_pending: spec.maxAckPending }),
  } satisfies Partial<ConsumerConfig>;

  let info: ConsumerInfo | undefined;
  try {
    info = await jsm.consumers.info(spec.stream, spec.durable);
  } catch (err) {
    if (!(err instanceof NatsError && err.api_error?.err_code === CONSUMER_NOT_FOUND)) throw err;
  }
  if (!info) {
    // Identical concurrent creates (several replicas starting) are accepted by the server.
    return jsm.consumers.add(spec.stream, {
      durable_name: spec.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ...wanted,
    });
  }
  const c = info.config;
  if (c.ack_policy !== AckPolicy.Explicit || c.deliver_subject) {
    throw new Error(
      `consumer ${spec.stream}/${spec.durable} exists but is not an explicit-ack pull consumer`,
    );
  }
  const same =
    c.filter_subject === wanted.filter_subject &&
    c.ack_wait === wanted.ack_wait &&
    c.max_deliver === wanted.max_deliver &&
    (spec.maxAckPending === undefined || c.max_ack_pending === spec.maxAckPending);
  // Update (not create) so this works on 2.10+ servers too, where create refuses a changed config.
  return same ? info : jsm.consumers.update(spec.stream, spec.durable, wanted);
}
