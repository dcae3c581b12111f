import { type EventContext, eventProducer, type PrismEvent } from '@prism/bus';
import type { ClearReason } from '@prism/campaign';
import {
  CampaignSegmentsCleared,
  CampaignSegmentsGenerated,
} from '@prism/proto/prism/events/v1/segment_events';
import { ruleToProto } from '@prism/rules';
import type { SegmentRecord } from '../store/documents.js';

const event = eventProducer('prism/segment-generation');

export function segmentsGenerated(
  ctx: EventContext,
  generation: { campaignId: string; generationId: string; epoch: number; segments: SegmentRecord[] },
): PrismEvent {
  const data = CampaignSegmentsGenerated.toJSON({
    campaignId: generation.campaignId,
    generationId: generation.generationId,
    epoch: generation.epoch,
    segments: generation.segments.map((segment) => ({
      segmentId: segment.id,
      name: segment.name,
      size: segment.size,
      rule: ruleToProto(segment.rule),
    })),
  });
  return event(ctx, 'campaign.segments.generated', generation.campaignId, data, generation.epoch);
}

export function segmentsCleared(
  ctx: EventContext,
  cleared: { campaignId: string; epoch: number; reason: ClearReason },
): PrismEvent {
  const data = CampaignSegmentsCleared.toJSON(cleared);
  return event(ctx, 'campaign.segments.cleared', cleared.campaignId, data, cleared.epoch);
}
