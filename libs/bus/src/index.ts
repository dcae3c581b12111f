/**
 * Prism's event bus on NATS JetStream: CloudEvents envelopes, a stream per owning service,
 * durable consumers that ack once the effect is stored and dead-letter what keeps failing.
 *
 * Main entry points: `connectBus` (a `Bus`: its `publisher` and `subscribe({ stream, durable,
 * kinds, data, handler })`), `ensureServiceStreams` for the topology, `createEvent` /
 * `eventProducer` to make events, and `streamName` / `subjectOf` for tests and tools that read
 * streams directly. `startConsumer` is the lower-level consumer `subscribe` is built on;
 * `consumeInGroups` is group commit for consumers that apply whatever arrived at once, and
 * `startGroupFeed` a durable feed over it with retries and dead letters.
 *
 * @module
 */
export { type Bus, connectBus } from './connect.js';
export { type ConsumerHandle, type Delivery, type EventHandler, startConsumer } from './consume.js';
export { DLQ_HEADERS, publishDeadLetter } from './dead-letter.js';
export { ensureDurableConsumer } from './durable.js';
export {
  createEvent,
  decodeEvent,
  type EventContext,
  encodeEvent,
  eventProducer,
  kindOf,
  type PrismEvent,
  SPACE_ID_PATTERN,
  subjectOf,
} from './envelope.js';
export { uuidv7 } from './event-id.js';
export { consumeInGroups, type GroupConsumeOptions } from './group-consume.js';
export { type GroupFeedOptions, type Received, startGroupFeed } from './group-feed.js';
export { type BusLogger, silentLogger } from './logger.js';
export { type EventPublisher, jetStreamPublisher } from './publish.js';
export {
  deadLetterStreamName,
  deadLetterSubjectOf,
  ensureDeadLetterStream,
  ensureStream,
  type StreamSpec,
  streamName,
} from './streams.js';
export type { Subscription } from './subscription.js';
export { ensureServiceStreams, type OwningService } from './topology.js';
