import { audienceApproachFromJSON } from '@prism/proto/prism/strategy/v1/strategy';
import { approachCodec } from '@prism/proto/vocabulary';
import { z } from 'zod';
import type { CampaignEvent } from './epoch-rule.js';

/** The fields of the strategy service's campaign.* payloads (prism.events.v1) a follower reads. */
export const campaignEventData = z.object({
  campaignId: z.string().min(1),
  epoch: z.number().int().min(1),
  strategyId: z.string().optional(),
  to: z.string().optional(),
});
export type CampaignEventData = z.infer<typeof campaignEventData>;

/** Undefined for kinds a follower has no use for (new kinds must not block the stream). */
export function campaignEventOf(kind: string, data: CampaignEventData): CampaignEvent | undefined {
  const { epoch } = data;
  switch (kind) {
    case 'campaign.created':
    case 'campaign.deleted':
      return { kind, epoch };
    case 'campaign.strategy_selected':
      return { kind, epoch, strategyId: data.strategyId ?? '' };
    case 'campaign.approach_changed': {
      // An approach this build does not know is neither personas nor segments: both followers clear.
      const to = approachCodec.fromProto(audienceApproachFromJSON(data.to)) ?? 'NONE';
      return { kind, epoch, to, ...(data.strategyId && { strategyId: data.strategyId }) };
    }
    default:
      return undefined;
  }
}
