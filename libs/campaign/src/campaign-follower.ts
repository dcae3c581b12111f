import { type EventContext, type EventHandler, kindOf } from '@prism/bus';
import type { CampaignEventData } from './campaign-events.js';
import { campaignEventOf } from './campaign-events.js';
import type { CampaignStates } from './campaign-state-store.js';
import { type ClearReason, type HeldSelection, reconcileSelection } from './epoch-rule.js';

/**
 * How a service stores what it holds for a campaign (a persona selection, generated segments),
 * as far as following the campaign needs. Each write must fail (throw) when the document
 * changed since `find`, so a racing command and a clear cannot both win; the redelivery retries.
 */
export interface CampaignFollower<Held> {
  find(space: string, campaignId: string): Promise<Held | undefined>;
  selectionOf(held: Held): HeldSelection;
  /** Nothing held yet: remember the epoch, so an older command cannot land later. */
  startAt(space: string, campaignId: string, epoch: number): Promise<void>;
  advance(space: string, held: Held, epoch: number): Promise<void>;
  /** Empties the selection at `epoch` and queues the `...cleared` event in the same write. */
  clear(cause: EventContext, held: Held, cleared: { epoch: number; reason: ClearReason }): Promise<void>;
}

/**
 * The consumer of the strategy service's campaign.* events every follower runs: it keeps the
 * campaign projection current and clears what the campaign has left behind (docs/architecture.md §3).
 * Idempotent by epoch: a redelivered event finds the selection already at its epoch, so it
 * neither clears nor publishes twice (no Inbox needed, and none could cover the two writes).
 */
export function followCampaigns<Held>(
  campaignStates: CampaignStates,
  follower: CampaignFollower<Held>,
): EventHandler<CampaignEventData> {
  return async (event, delivery) => {
    const change = campaignEventOf(kindOf(event), event.data);
    if (!change) return;
    const space = event.prismspace;
    const { campaignId } = event.data;
    const state = await campaignStates.apply(space, campaignId, change);
    if (!state) return;
    const held = await follower.find(space, campaignId);
    const decision = reconcileSelection(held && follower.selectionOf(held), state, change.kind);
    if (decision.kind === 'none') return;
    // A duplicate key on start means a command created it meanwhile: the retry sees that one.
    if (!held) return follower.startAt(space, campaignId, decision.epoch);
    if (decision.kind === 'advance') return follower.advance(space, held, decision.epoch);
    return follower.clear(delivery.cause, held, decision);
  };
}
