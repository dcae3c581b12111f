import type { EventHandler } from '@prism/bus';
import { type CampaignEventData, followCampaigns } from '@prism/campaign';
import type { OutboxDocumentRef } from '@prism/store';
import { personasCleared } from '../events/persona-events.js';
import type { SelectionDocument } from '../store/documents.js';
import type { PersonaRepositories } from '../store/repositories.js';

export interface CampaignHandlerDeps {
  repos: PersonaRepositories;
  eventsQueued: (document: OutboxDocumentRef) => void;
  clock?: () => Date;
}

/** Keeps `campaign_states` current and clears a persona selection the campaign has left behind. */
export function campaignEventHandler(deps: CampaignHandlerDeps): EventHandler<CampaignEventData> {
  const { campaignStates, selections } = deps.repos;
  const now = deps.clock ?? (() => new Date());
  return followCampaigns<SelectionDocument>(campaignStates, {
    find: async (space, campaignId) => (await selections.find(space, campaignId)) ?? undefined,
    selectionOf: (selection) => ({ size: selection.personaIds.length, epoch: selection.epoch }),
    async startAt(space, campaignId, epoch) {
      await selections.insert(space, { _id: campaignId, personaIds: [], epoch, updatedAt: now() }, []);
    },
    async advance(space, selection, epoch) {
      await selections.update(space, selection._id, selection.version, { epoch, updatedAt: now() }, []);
    },
    async clear(event, selection, { epoch, reason }) {
      const space = event.prismspace;
      const campaignId = selection._id;
      const ctx = { space, traceparent: event.traceparent };
      const cleared = personasCleared(ctx, { campaignId, epoch, reason });
      const set = { personaIds: [], epoch, updatedAt: now() };
      await selections.update(space, campaignId, selection.version, set, [cleared]);
      deps.eventsQueued({ collection: 'campaign_selections', spaceId: space, id: campaignId });
    },
  });
}
