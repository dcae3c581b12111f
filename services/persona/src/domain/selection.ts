import { type CampaignView, requireEpoch } from '@prism/campaign';
import { FailedPrecondition, type FieldViolation, NotFound, type PersonaFailure } from '@prism/errors';

export type { CampaignView };

/** A campaign's persona selection; `epoch` is the campaign epoch it was made (or last cleared) under. */
export interface SelectionState {
  personaIds: string[];
  epoch: number;
}

export const MAX_SELECTED_PERSONAS = 5;

export const APPROACH_NOT_PERSONAS =
  'Personas can only be chosen while the campaign targets its audience with strategy personas; switch step 3 to personas first.';

/** Count and distinctness: checked before anything is loaded. */
export function personaIdsViolations(ids: readonly string[]): FieldViolation[] {
  if (ids.length < 1 || ids.length > MAX_SELECTED_PERSONAS) {
    return [
      {
        field: 'persona_ids',
        description: `must name 1 to ${MAX_SELECTED_PERSONAS} personas (got ${ids.length})`,
      },
    ];
  }
  const seen = new Set<string>();
  return ids.flatMap((id, i) => {
    const repeat = seen.has(id);
    seen.add(id);
    return repeat ? [{ field: `persona_ids[${i}]`, description: `repeats persona ${id}` }] : [];
  });
}

/** Every id must be a live persona of the space that belongs to the campaign's strategy. */
export function membershipViolations(
  ids: readonly string[],
  strategyId: string,
  strategyOfPersona: (personaId: string) => string | undefined,
): FieldViolation[] {
  return ids.flatMap((id, i) => {
    const owner = strategyOfPersona(id);
    if (owner === undefined) return [{ field: `persona_ids[${i}]`, description: `unknown persona ${id}` }];
    if (owner !== strategyId) {
      return [{ field: `persona_ids[${i}]`, description: `persona ${id} belongs to another strategy` }];
    }
    return [];
  });
}

/** The campaign rules of a selection; returns the strategy the personas must belong to. */
export function requireSelectable(
  campaignId: string,
  campaign: CampaignView | undefined,
  expectedEpoch: number,
): string {
  if (!campaign) throw new NotFound('campaign', campaignId);
  requireEpoch(campaign.epoch, expectedEpoch);
  if (campaign.approach !== 'STRATEGY_PERSONAS' || !campaign.strategyId) {
    throw new FailedPrecondition<PersonaFailure>('APPROACH_NOT_PERSONAS', APPROACH_NOT_PERSONAS);
  }
  return campaign.strategyId;
}

/** A deleted persona leaves the selection at the same epoch; undefined when it was not in it. */
export function withoutPersona(selection: SelectionState, personaId: string): SelectionState | undefined {
  if (!selection.personaIds.includes(personaId)) return undefined;
  return { ...selection, personaIds: selection.personaIds.filter((id) => id !== personaId) };
}
