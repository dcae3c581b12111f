import type { SecretRing } from './webhook/signing.js';

/** Where an audience is sent. */
export type DestinationKind = 'webhook' | 'meta' | 'csv';

export type DestinationState = 'backfilling' | 'in_sync' | 'syncing' | 'retrying' | 'disabled';

export interface WebhookSettings {
  url: string;
  secrets: SecretRing;
}

export interface MetaSettings {
  adAccountId: string;
  accessToken: string;
  /** Set once the custom audience exists (given, or created at the first sync). */
  customAudienceId: string;
  schema: string[];
}

export interface CsvSettings {
  fileName: string;
  traitKeys: string[];
}

export interface DestinationStatus {
  lastSyncAt?: Date;
  added: number;
  removed: number;
  failed: number;
  nextRetryAt?: Date;
  lastError?: string;
  /** Consecutive failed attempts of the destination as a whole (Meta, CSV); 0 after a success. */
  failures: number;
}

/** The audience a destination follows: one of the space, or a campaign's (its union key). */
export type DestinationSource = { audienceId: string } | { campaignId: string };

export interface DestinationDocument {
  _id: string;
  spaceId: string;
  name: string;
  source: DestinationSource;
  /** The key of the audience whose events it receives (a campaign's stays across epochs). */
  audienceKey: string;
  kind: DestinationKind;
  webhook?: WebhookSettings;
  meta?: MetaSettings;
  csv?: CsvSettings;
  rateLimitPerSecond: number;
  enabled: boolean;
  version: number;
  status: DestinationStatus;
  /** Backfills asked (create, enable, resync) and done: the worker backfills while they differ. */
  backfillsRequested: number;
  backfillsDone: number;
  /**
   * The audience-stream position the last backfill included: a change at or below it that is
   * queued afterwards (the feed lagging behind the stream) is already in what was sent.
   */
  backfilledThroughSeq?: number;
  /**
   * The audience-stream position through which changes reached the destination, in stream order
   * (Meta: each round sends the oldest waiting). A change queued again at or below it — its
   * event redelivered after it was sent and dequeued — is stale and not sent again.
   */
  deliveredThroughSeq?: number;
  createdAt: Date;
  updatedAt: Date;
}

export const DEFAULT_RATE_LIMIT = 50;
export const DEFAULT_META_SCHEMA = ['EMAIL', 'PHONE', 'FN', 'LN', 'COUNTRY'];

export const newStatus = (): DestinationStatus => ({ added: 0, removed: 0, failed: 0, failures: 0 });

/** Where a destination stands, from its document and what waits for it. */
export function stateOf(destination: DestinationDocument, pending: number, now: Date): DestinationState {
  if (!destination.enabled) return 'disabled';
  if (destination.backfillsRequested > destination.backfillsDone) return 'backfilling';
  if (destination.status.nextRetryAt && destination.status.nextRetryAt > now) return 'retrying';
  return pending > 0 ? 'syncing' : 'in_sync';
}
