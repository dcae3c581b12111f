import { type CampaignView, requireEpoch } from '@prism/campaign';
import { FailedPrecondition, type StrategyFailure } from '@prism/errors';
import type { ApproachName as Approach } from '@prism/proto/vocabulary';

/** A campaign's wizard state as the rules see it: the view every service shares (epoch rule in @prism/campaign). */
export type CampaignState = CampaignView;

/** What the rules need to know about the selected strategy. */
export interface StrategyFacts {
  /** Personas the strategy has, as the persona service's events tell. */
  personaCount: number;
}

export interface ApproachOptions {
  available: Approach[];
  lockedReason?: string;
}

export type CampaignEventDraft =
  | { kind: 'campaign.approach_changed'; from: Approach; to: Approach; epoch: number }
  | { kind: 'campaign.strategy_selected'; strategyId: string; previousStrategyId?: string; epoch: number };

export interface CampaignChange {
  state: CampaignState;
  events: CampaignEventDraft[];
}

export const LOCKED_WITHOUT_STRATEGY =
  'Select a strategy in step 2 before choosing how this campaign targets its audience.';
export const LOCKED_WITHOUT_PERSONAS =
  'This strategy has no personas yet, so only AI-generated segments are available.';

/** Which step-3 approaches a campaign may switch to now, and why others are locked. */
export function approachOptions(
  campaign: CampaignState,
  strategy: StrategyFacts | undefined,
): ApproachOptions {
  if (!campaign.strategyId || !strategy) return { available: [], lockedReason: LOCKED_WITHOUT_STRATEGY };
  if (strategy.personaCount === 0)
    return { available: ['AI_SEGMENTS'], lockedReason: LOCKED_WITHOUT_PERSONAS };
  return { available: ['AI_SEGMENTS', 'STRATEGY_PERSONAS'] };
}

/**
 * Step 3. NONE is always accepted once a strategy is selected (it clears the choice);
 * choosing the current approach again changes nothing and raises no epoch. The strategy's facts
 * matter only for a switch to personas (the one approach they can lock), so only that switch
 * needs them: the others are decided without waiting for a read.
 */
export function setApproach(
  campaign: CampaignState,
  to: Approach,
  expectedEpoch: number,
  strategy?: StrategyFacts,
): CampaignChange {
  requireEpoch(campaign.epoch, expectedEpoch);
  if (!campaign.strategyId) {
    throw new FailedPrecondition<StrategyFailure>('STRATEGY_NOT_SELECTED', LOCKED_WITHOUT_STRATEGY);
  }
  if (to === 'STRATEGY_PERSONAS' && (strategy?.personaCount ?? 0) === 0) {
    throw new FailedPrecondition<StrategyFailure>('APPROACH_UNAVAILABLE', LOCKED_WITHOUT_PERSONAS);
  }
  if (to === campaign.approach) return { state: campaign, events: [] };
  const epoch = campaign.epoch + 1;
  return {
    state: { ...campaign, approach: to, epoch },
    events: [{ kind: 'campaign.approach_changed', from: campaign.approach, to, epoch }],
  };
}

/**
 * Step 2. A different strategy invalidates whatever step 3 chose: the approach returns to
 * NONE at a new epoch, so downstream selections of the old epoch are cleared.
 */
export function selectStrategy(
  campaign: CampaignState,
  strategyId: string,
  expectedEpoch: number,
): CampaignChange {
  requireEpoch(campaign.epoch, expectedEpoch);
  if (campaign.strategyId === strategyId) return { state: campaign, events: [] };
  const epoch = campaign.epoch + 1;
  const events: CampaignEventDraft[] = [
    { kind: 'campaign.strategy_selected', strategyId, previousStrategyId: campaign.strategyId, epoch },
  ];
  if (campaign.approach !== 'NONE') {
    events.push({ kind: 'campaign.approach_changed', from: campaign.approach, to: 'NONE', epoch });
  }
  return { state: { strategyId, approach: 'NONE', epoch }, events };
}
