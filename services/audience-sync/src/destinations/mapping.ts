import {
  type Destination,
  DestinationKind,
  type DestinationSpec,
  DestinationState,
} from '@prism/proto/prism/audience/v1/destinations';
import type {
  DestinationDocument,
  DestinationKind as Kind,
  DestinationState as State,
} from './destination.js';

const KINDS: Record<Kind, DestinationKind> = {
  webhook: DestinationKind.DESTINATION_KIND_WEBHOOK,
  meta: DestinationKind.DESTINATION_KIND_META_CUSTOM_AUDIENCE,
  csv: DestinationKind.DESTINATION_KIND_CSV_FILE,
};

const STATES: Record<State, DestinationState> = {
  backfilling: DestinationState.DESTINATION_STATE_BACKFILLING,
  in_sync: DestinationState.DESTINATION_STATE_IN_SYNC,
  syncing: DestinationState.DESTINATION_STATE_SYNCING,
  retrying: DestinationState.DESTINATION_STATE_RETRYING,
  disabled: DestinationState.DESTINATION_STATE_DISABLED,
};

/** The spec as the API shows it: secrets (the access token) never leave. */
function specOf(doc: DestinationDocument): DestinationSpec {
  const source: DestinationSpec['source'] =
    'campaignId' in doc.source
      ? { $case: 'campaignId', value: doc.source.campaignId }
      : { $case: 'audience', value: doc.source.audienceId };
  const settings: DestinationSpec['settings'] = doc.webhook
    ? { $case: 'webhook', value: { url: doc.webhook.url } }
    : doc.meta
      ? { $case: 'meta', value: { ...doc.meta, accessToken: '' } }
      : { $case: 'csv', value: { fileName: doc.csv?.fileName ?? '', traitKeys: doc.csv?.traitKeys ?? [] } };
  return { name: doc.name, source, settings, rateLimitPerSecond: doc.rateLimitPerSecond };
}

/** What waits for a destination, counted by the caller. */
export interface QueueCounts {
  pending: number;
  deadLetters: number;
  state: State;
}

export function destinationToProto(doc: DestinationDocument, counts: QueueCounts): Destination {
  const { status } = doc;
  return {
    id: doc._id,
    spec: specOf(doc),
    kind: KINDS[doc.kind],
    enabled: doc.enabled,
    status: {
      state: STATES[counts.state],
      lastSyncTime: status.lastSyncAt,
      membersAdded: status.added,
      membersRemoved: status.removed,
      membersFailed: status.failed,
      nextRetryTime: status.nextRetryAt,
      lastError: status.lastError ?? '',
      pending: counts.pending,
      deadLetters: counts.deadLetters,
    },
    version: doc.version,
    createTime: doc.createdAt,
    updateTime: doc.updatedAt,
    audienceKey: doc.audienceKey,
  };
}
