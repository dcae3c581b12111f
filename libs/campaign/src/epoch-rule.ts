import { Aborted } from '@prism/errors';
import { APPROACH_NAMES, type ApproachName } from '@prism/proto/vocabulary';

export const APPROACHES = APPROACH_NAMES;
export type Approach = ApproachName;

/** A campaign's step-3 state, as the strategy service's events (or its API) tell it. */
export interface CampaignView {
  strategyId?: string;
  approach: Approach;
  epoch: number;
}

/**
 * What a downstream service holds for a campaign (its personas, its segments): how many, and the
 * campaign epoch they were made (or last cleared) under.
 */
export interface HeldSelection {
  size: number;
  epoch: number;
}

/** What the campaign projection keeps: the view plus the tombstone of a deleted campaign. */
export interface CampaignState extends CampaignView {
  deleted?: boolean;
}

/** The strategy service's campaign events, reduced to what the projection needs. */
export type CampaignEvent =
  | { kind: 'campaign.created'; epoch: number }
  | { kind: 'campaign.strategy_selected'; strategyId: string; epoch: number }
  | { kind: 'campaign.approach_changed'; strategyId?: string; to: Approach; epoch: number }
  | { kind: 'campaign.deleted'; epoch: number };

export type ClearReason = 'APPROACH_CHANGED' | 'STRATEGY_CHANGED' | 'PERSONAS_DELETED' | 'CAMPAIGN_DELETED';

/**
 * The epoch rule (docs/architecture.md §3): an event older than the stored epoch is ignored. Equal
 * epochs are applied, because strategy_selected and approach_changed→NONE share one and
 * produce the same state (and a crash after storing must be able to finish on redelivery).
 * A deletion is final; only the deletion itself may be applied again. Undefined = ignore.
 */
export function applyCampaignEvent(
  current: CampaignState | undefined,
  event: CampaignEvent,
): CampaignState | undefined {
  if (current && event.epoch < current.epoch) return undefined;
  if (current?.deleted && event.kind !== 'campaign.deleted') return undefined;
  switch (event.kind) {
    case 'campaign.created':
      return current ?? { approach: 'NONE', epoch: event.epoch };
    case 'campaign.strategy_selected':
      return { strategyId: event.strategyId, approach: 'NONE', epoch: event.epoch };
    case 'campaign.approach_changed':
      return {
        strategyId: event.strategyId || current?.strategyId,
        approach: event.to,
        epoch: event.epoch,
      };
    case 'campaign.deleted':
      return { ...(current ?? { approach: 'NONE' }), epoch: event.epoch, deleted: true };
  }
}

export type SelectionChange =
  | { kind: 'none' }
  /** Nothing to clear, but the selection remembers the epoch so an older command cannot land. */
  | { kind: 'advance'; epoch: number }
  | { kind: 'clear'; epoch: number; reason: ClearReason };

const none: SelectionChange = { kind: 'none' };

const reasonOf: Record<CampaignEvent['kind'], ClearReason> = {
  'campaign.created': 'APPROACH_CHANGED',
  'campaign.strategy_selected': 'STRATEGY_CHANGED',
  'campaign.approach_changed': 'APPROACH_CHANGED',
  'campaign.deleted': 'CAMPAIGN_DELETED',
};

/**
 * A selection is valid only under the epoch it was made: the strategy service raises the
 * epoch only when the approach or strategy changes, so any newer epoch means the selection's
 * approach was left (even if a later event returned to it, which must not restore them).
 * Clearing once moves the selection to the new epoch, so redelivery changes nothing.
 */
export function reconcileSelection(
  selection: HeldSelection | undefined,
  campaign: CampaignState,
  cause: CampaignEvent['kind'],
): SelectionChange {
  const held = (selection?.size ?? 0) > 0;
  // A deleted campaign takes no more commands, so only a held selection needs a write.
  if (campaign.deleted)
    return held ? { kind: 'clear', epoch: campaign.epoch, reason: reasonOf[cause] } : none;
  if (selection && selection.epoch >= campaign.epoch) return none;
  return held
    ? { kind: 'clear', epoch: campaign.epoch, reason: reasonOf[cause] }
    : { kind: 'advance', epoch: campaign.epoch };
}

/** ABORTED unless the campaign is still at the epoch the caller saw. */
export function requireEpoch(epoch: number, expectedEpoch: number): void {
  if (epoch !== expectedEpoch) {
    throw new Aborted(
      `The campaign moved on to epoch ${epoch} (you sent ${expectedEpoch}); reload it and choose again.`,
    );
  }
}

/**
 * What a service holds may already know a newer epoch than the campaign state it checked (the
 * projection cleared it meanwhile): then the command is stale too.
 */
export function requireNotSuperseded(held: { epoch: number } | undefined, expectedEpoch: number): void {
  if (held && held.epoch > expectedEpoch) requireEpoch(held.epoch, expectedEpoch);
}

/**
 * How often a command retries its write when a version conflict is not staleness. The campaign
 * follower writes the same document once per campaign event it catches up on (a new campaign
 * has three before its first selection), so conflicts at an epoch no newer than the command's
 * are expected and retried; only a newer epoch ends the command (requireNotSuperseded), and
 * this bound only stops writers racing at one epoch forever.
 */
export const COMMAND_WRITE_ATTEMPTS = 12;
