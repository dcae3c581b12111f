export { type Bus, type BusOptions, connectBus } from './connect.js';
export {
  type ConsumerHandle,
  type ConsumerOptions,
  type Delivery,
  type EventHandler,
  startConsumer,
} from './consume.js';
export { type DeadLetterReason, DLQ_HEADERS, publishDeadLetter } from './dead-letter.js';
export { type DurableSpec, ensureDurableConsumer, serverMaxDeliver } from './durable.js';
export {
  createEvent,
  decodeEvent,
  EVENT_KIND_PATTERN,
  type EventContext,
  encodeEvent,
  eventProducer,
  kindOf,
  type NewEvent,
  natsSubjectOf,
  PREFIX_PATTERN,
  type PrismEvent,
  prismEventSchema,
  SPACE_ID_PATTERN,
  subjectOf,
} from './envelope.js';
export { InvalidEvent, PoisonMessage, type PoisonReason } from './errors.js';
export { type BusLogger, silentLogger } from './logger.js';
export {
  type EventPublisher,
  jetStreamPublisher,
  type PublishOptions,
  type PublishResult,
  publishEvent,
} from './publish.js';
export {
  deadLetterStreamName,
  deadLetterStreamSubjects,
  deadLetterSubjectOf,
  ensureDeadLetterStream,
  ensureStream,
  type StreamSpec,
  streamName,
} from './streams.js';
export { ensureServiceStreams, type OwningService, streamSpecOf } from './topology.js';
