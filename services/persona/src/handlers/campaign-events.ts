import { type EventHandler, kindOf, type PrismEvent } from '@prism/bus';
import {
  type CampaignEvent,
  type CampaignEventData,
  type CampaignState,
  campaignEventOf,
  reconcileSelection,
} from '@prism/campaign';
import type { OutboxDocumentRef } from '@prism/store';
import { personasCleared } from '../events/persona-events.js';
import type { PersonaRepositories } from '../store/repositories.js';

export interface CampaignHandlerDeps {
  repos: PersonaRepositories;
  eventsQueued: (document: OutboxDocumentRef) => void;
  clock?: () => Date;
}

/**
 * Keeps `campaign_states` current and clears a selection the campaign has left behind.
 * Idempotent by epoch: a redelivered event finds the selection already at its epoch, so it
 * neither clears nor publishes twice (no Inbox needed, and none could cover the two writes).
 */
export function campaignEventHandler(deps: CampaignHandlerDeps): EventHandler<CampaignEventData> {
  const { campaignStates, selections } = deps.repos;
  const now = deps.clock ?? (() => new Date());

  async function reconcile(
    event: PrismEvent<CampaignEventData>,
    change: CampaignEvent,
    state: CampaignState,
  ) {
    const space = event.prismspace;
    const { campaignId } = event.data;
    const selection = await selections.find(space, campaignId);
    const held = selection && { size: selection.personaIds.length, epoch: selection.epoch };
    const decision = reconcileSelection(held ?? undefined, state, change.kind);
    if (decision.kind === 'none') return;
    const set = { epoch: decision.epoch, updatedAt: now() };
    if (!selection) {
      // A duplicate key here means a command created it meanwhile: the retry sees that one.
      await selections.insert(space, { _id: campaignId, personaIds: [], ...set }, []);
      return;
    }
    if (decision.kind === 'advance') {
      await selections.update(space, campaignId, selection.version, set, []);
      return;
    }
    const ctx = { space, traceparent: event.traceparent };
    const cleared = personasCleared(ctx, { campaignId, epoch: decision.epoch, reason: decision.reason });
    await selections.update(space, campaignId, selection.version, { ...set, personaIds: [] }, [cleared]);
    deps.eventsQueued({ collection: 'campaign_selections', spaceId: space, id: campaignId });
  }

  return async (event) => {
    const change = campaignEventOf(kindOf(event), event.data);
    if (!change) return;
    const state = await campaignStates.apply(event.prismspace, event.data.campaignId, change);
    if (state) await reconcile(event, change, state);
  };
}
