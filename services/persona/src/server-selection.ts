import type { PrismEvent } from '@prism/bus';
import { campaignAt, campaignNow, writeAtEpoch } from '@prism/campaign';
import { InvalidArgument, NotFound } from '@prism/errors';
import { parseRequest, unary } from '@prism/grpc';
import type { PersonaServiceServer } from '@prism/proto/prism/persona/v1/persona';
import type { AggregateDocument } from '@prism/store';
import {
  type CampaignView,
  membershipViolations,
  personaIdsViolations,
  requireSelectable,
} from './domain/selection.js';
import { personasSelected } from './events/persona-events.js';
import { selectionToProto } from './mapping.js';
import * as requests from './requests.js';
import type { PersonaServiceDeps } from './service-deps.js';
import type { PersonaDocument, SelectionDocument } from './store/documents.js';

type SelectionHandlers = Pick<PersonaServiceServer, 'selectCampaignPersonas' | 'getCampaignPersonas'>;

/** Step 3, option B: a campaign's 1–5 personas, valid only under the epoch they were chosen. */
export function selectionHandlers(deps: PersonaServiceDeps): SelectionHandlers {
  const { personas, selections, campaignStates } = deps.repos;
  const now = deps.clock ?? (() => new Date());

  /** Deleted personas may linger in a selection until their event is handled: they are left out. */
  async function livePersonas(spaceId: string, ids: readonly string[]): Promise<PersonaDocument[]> {
    const found = await Promise.all(ids.map((id) => personas.find(spaceId, id)));
    return found.filter((doc): doc is PersonaDocument => doc !== null);
  }

  const writeSelection = (
    spaceId: string,
    campaignId: string,
    state: Omit<SelectionDocument, keyof AggregateDocument>,
    eventsAt: (revision: number) => PrismEvent[],
  ) =>
    writeAtEpoch(
      selections,
      { spaceId, campaignId, what: 'the personas were being selected' },
      state,
      eventsAt,
    );

  return {
    selectCampaignPersonas: unary(async (call, request) => {
      const { campaignId, personaIds, expectedEpoch } = parseRequest(
        requests.selectCampaignPersonasRequest,
        request,
      );
      const shape = personaIdsViolations(personaIds);
      if (shape.length > 0) throw new InvalidArgument(shape);
      // A selection is valid only at the campaign's current epoch, which the projection may not know yet.
      const campaign: CampaignView | undefined = await campaignNow(
        campaignStates,
        deps.strategy,
        call,
        campaignId,
      );
      const strategyId = requireSelectable(campaignId, campaign, expectedEpoch);
      const chosen = await livePersonas(call.spaceId, personaIds);
      const strategyOf = new Map(chosen.map((doc) => [doc._id, doc.strategyId]));
      const membership = membershipViolations(personaIds, strategyId, (id) => strategyOf.get(id));
      if (membership.length > 0) throw new InvalidArgument(membership);

      const state = { strategyId, personaIds, epoch: expectedEpoch, updatedAt: now() };
      await writeSelection(call.spaceId, campaignId, state, (revision) => [
        personasSelected(call.cause, { campaignId, ...state, revision }),
      ]);
      return { selection: selectionToProto(campaignId, chosen, expectedEpoch) };
    }),

    getCampaignPersonas: unary(async (call, request) => {
      const { campaignId } = parseRequest(requests.getCampaignPersonasRequest, request);
      const [selection, campaign] = await Promise.all([
        selections.find(call.spaceId, campaignId),
        campaignAt(campaignStates, deps.strategy, call, campaignId, 1),
      ]);
      if (!campaign) throw new NotFound('campaign', campaignId);
      const chosen = await livePersonas(call.spaceId, selection?.personaIds ?? []);
      return { selection: selectionToProto(campaignId, chosen, selection?.epoch ?? 0) };
    }),
  };
}
