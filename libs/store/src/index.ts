/**
 * @prism/store — MongoDB (or FerretDB) storage every service shares: aggregates behind
 * `SpaceScopedCollection` (space id in every query, versioned conditional writes, events queued in
 * the same write), the `OutboxRelay` that publishes them, and `reviseDocument` for projections.
 * No locks and no transactions: every write that decides a race is one atomic document write.
 */
export { AggregateStorage, type OutboxDocumentRef } from './aggregate-storage.js';
export { connectMongo, type MongoConnection } from './connection.js';
export { idListsOf } from './id-lists.js';
export { insertIfAbsent, isDuplicateKey } from './insert-if-absent.js';
export { OutboxRelay, type OutboxRelayOptions } from './relay.js';
export { type Revised, type RevisedContent, reviseDocument } from './revisions.js';
export {
  type AggregateDocument,
  type NewAggregate,
  type Page,
  SpaceScopedCollection,
} from './space-scoped-collection.js';
