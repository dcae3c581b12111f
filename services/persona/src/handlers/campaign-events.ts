import type { EventHandler } from '@prism/bus';
import { type CampaignEventData, followCampaigns } from '@prism/campaign';
import { personasCleared } from '../events/persona-events.js';
import type { SelectionDocument } from '../store/documents.js';
import type { PersonaRepositories } from '../store/repositories.js';

export interface CampaignHandlerDeps {
  repos: PersonaRepositories;
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
    async clear(cause, selection, { epoch, reason }) {
      const campaignId = selection._id;
      const cleared = personasCleared(cause, { campaignId, epoch, reason, revision: selection.version + 1 });
      const set = { personaIds: [], epoch, updatedAt: now() };
      await selections.update(cause.space, campaignId, selection.version, set, [cleared]);
    },
  });
}
