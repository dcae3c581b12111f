import { type EventHandler, kindOf, type PrismEvent } from '@prism/bus';
import { audienceApproachFromJSON } from '@prism/proto/prism/strategy/v1/strategy';
import type { OutboxDocumentRef } from '@prism/store';
import { z } from 'zod';
import { type CampaignEvent, type CampaignState, reconcileSelection } from '../domain/campaign-state.js';
import { personasCleared } from '../events/persona-events.js';
import { approachFromProto } from '../mapping.js';
import type { PersonaRepositories } from '../store/repositories.js';

/** The fields of the strategy service's campaign.* payloads (prism.events.v1) this service reads. */
export const campaignEventData = z.object({
  campaignId: z.string().min(1),
  epoch: z.number().int().min(1),
  strategyId: z.string().optional(),
  to: z.string().optional(),
});
export type CampaignEventData = z.infer<typeof campaignEventData>;

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
    const decision = reconcileSelection(selection ?? undefined, state, change.kind);
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

/** Undefined for kinds this service has no use for (new kinds must not block the stream). */
function campaignEventOf(kind: string, data: CampaignEventData): CampaignEvent | undefined {
  const { epoch } = data;
  switch (kind) {
    case 'campaign.created':
    case 'campaign.deleted':
      return { kind, epoch };
    case 'campaign.strategy_selected':
      return { kind, epoch, strategyId: data.strategyId ?? '' };
    case 'campaign.approach_changed': {
      // An approach we do not know is not STRATEGY_PERSONAS, which is what decides a clear.
      const to = approachFromProto(audienceApproachFromJSON(data.to)) ?? 'NONE';
      return { kind, epoch, to, ...(data.strategyId && { strategyId: data.strategyId }) };
    }
    default:
      return undefined;
  }
}
