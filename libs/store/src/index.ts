export { AggregateStorage, type OutboxDocumentRef, PendingOutboxes } from './aggregate-storage.js';
export { connectMongo, type MongoConnection } from './connection.js';
export { DocumentLocks, type DocumentLocksOptions } from './document-locks.js';
export { Inbox, type InboxOutcome } from './inbox.js';
export { insertIfAbsent, isDuplicateKey } from './insert-if-absent.js';
export { type OutboxEntry, outboxEntriesOf } from './outbox.js';
export { OutboxRelay, type OutboxRelayOptions } from './relay.js';
export {
  type AggregateDocument,
  type NewAggregate,
  type Page,
  SpaceScopedCollection,
} from './space-scoped-collection.js';
