import { type Client, type Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { type CallContext, deadlineWithin, dependencyFailure, forwardedMetadata } from '@prism/grpc';
import type { Campaign, Strategy, StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import { approachCodec } from '@prism/proto/vocabulary';
import type { CampaignStates } from './campaign-state-store.js';
import type { CampaignView } from './epoch-rule.js';

/**
 * Synchronous reads of the strategy service, for when the event projections may lag a change
 * the caller has just made (docs/architecture.md §1). Each call carries the caller's own credentials.
 */
export interface StrategyLookups {
  strategyExists(call: CallContext, strategyId: string): Promise<boolean>;
  /** Undefined when the strategy service does not know the strategy (in the caller's space). */
  strategy(call: CallContext, strategyId: string): Promise<Strategy | undefined>;
  /** Undefined when the strategy service does not know the campaign (in the caller's space). */
  campaign(call: CallContext, campaignId: string): Promise<CampaignView | undefined>;
}

const TIMEOUT_MS = 5_000;

export function strategyLookups(client: StrategyServiceClient): StrategyLookups {
  return {
    async strategyExists(call, strategyId) {
      return (await unlessNotFound(call, client, client.getStrategy, { strategyId })) !== undefined;
    },
    async strategy(call, strategyId) {
      return (await unlessNotFound(call, client, client.getStrategy, { strategyId }))?.strategy;
    },
    async campaign(call, campaignId) {
      const found = await unlessNotFound(call, client, client.getCampaign, { campaignId });
      return found?.campaign && campaignView(found.campaign);
    },
  };
}

function campaignView(campaign: Campaign): CampaignView {
  return {
    ...(campaign.strategyId && { strategyId: campaign.strategyId }),
    // An approach this build does not know is neither personas nor segments, which is what matters.
    approach: approachCodec.fromProto(campaign.approach) ?? 'NONE',
    epoch: campaign.epoch,
  };
}

type Method<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: { deadline: Date },
  callback: (error: ServiceError | null, response: Res) => void,
) => unknown;

function unlessNotFound<Req, Res>(
  call: CallContext,
  client: Client,
  method: Method<Req, Res>,
  request: Req,
): Promise<Res | undefined> {
  const metadata = forwardedMetadata(call);
  const deadline = deadlineWithin(call, TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    method.call(client, request, metadata, { deadline }, (error, response) => {
      if (!error) resolve(response);
      else if (error.code === status.NOT_FOUND) resolve(undefined);
      else reject(dependencyFailure('strategy', client, error));
    });
  });
}

/**
 * The campaign as of at least `minEpoch`: the projection when it is that fresh, else the
 * strategy service (the caller may have just changed step 3 and the event is in flight).
 */
export async function campaignAt(
  campaignStates: CampaignStates,
  lookups: StrategyLookups,
  call: CallContext,
  campaignId: string,
  minEpoch: number,
): Promise<CampaignView | undefined> {
  const known = await campaignStates.find(call.spaceId, campaignId);
  if (known?.deleted) return undefined;
  if (known && known.epoch >= minEpoch) return known;
  return lookups.campaign(call, campaignId);
}

/**
 * The campaign as it is now, for a write that must hold at exactly the caller's epoch: the
 * strategy service itself, since a projection lagging at exactly the caller's (stale) epoch would
 * pass the check. A deletion or a newer epoch the projection has already seen still counts.
 */
export async function campaignNow(
  campaignStates: CampaignStates,
  lookups: StrategyLookups,
  call: CallContext,
  campaignId: string,
): Promise<CampaignView | undefined> {
  const [campaign, known] = await Promise.all([
    lookups.campaign(call, campaignId),
    campaignStates.find(call.spaceId, campaignId),
  ]);
  if (!campaign || known?.deleted) return undefined;
  return { ...campaign, epoch: Math.max(campaign.epoch, known?.epoch ?? 0) };
}
