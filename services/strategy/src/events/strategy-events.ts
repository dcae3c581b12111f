import { createEvent, type EventContext, type PrismEvent } from '@prism/bus';
import {
  CampaignApproachChanged,
  CampaignCreated,
  CampaignDeleted,
  CampaignStrategySelected,
  StrategyChanged,
  StrategyDeleted,
} from '@prism/proto/prism/events/v1/strategy_events';
import type { CampaignEventDraft } from '../domain/campaign.js';
import { approachToProto, targetAudienceToProto } from '../mapping.js';
import type { CampaignDocument, StrategyDocument } from '../store/documents.js';

const source = 'prism/strategy';

/** The events this service publishes; payloads are the proto messages of prism.events.v1 as JSON. */
export function strategyChanged(
  ctx: EventContext,
  kind: 'strategy.created' | 'strategy.updated',
  doc: Pick<StrategyDocument, '_id' | 'name' | 'profileSpaceId' | 'targetAudience' | 'version'>,
): PrismEvent {
  const data = StrategyChanged.toJSON({
    strategyId: doc._id,
    name: doc.name,
    profileSpaceId: doc.profileSpaceId,
    targetAudience: targetAudienceToProto(doc.targetAudience),
    version: doc.version,
  });
  return createEvent({
    source,
    kind,
    space: ctx.space,
    subject: doc._id,
    data,
    traceparent: ctx.traceparent,
  });
}

export function strategyDeleted(ctx: EventContext, strategyId: string, version: number): PrismEvent {
  const data = StrategyDeleted.toJSON({ strategyId, version });
  return createEvent({
    source,
    kind: 'strategy.deleted',
    space: ctx.space,
    subject: strategyId,
    data,
    traceparent: ctx.traceparent,
  });
}

export function campaignCreated(ctx: EventContext, doc: Pick<CampaignDocument, '_id' | 'name' | 'epoch'>) {
  const data = CampaignCreated.toJSON({ campaignId: doc._id, name: doc.name, epoch: doc.epoch });
  return campaignEvent(ctx, 'campaign.created', doc._id, doc.epoch, data);
}

export function campaignDeleted(ctx: EventContext, campaignId: string, epoch: number) {
  const data = CampaignDeleted.toJSON({ campaignId, epoch });
  return campaignEvent(ctx, 'campaign.deleted', campaignId, epoch, data);
}

/** Turns the domain's event drafts for one campaign into envelopes. */
export function campaignChangeEvents(
  ctx: EventContext,
  campaignId: string,
  strategyId: string | undefined,
  drafts: readonly CampaignEventDraft[],
): PrismEvent[] {
  return drafts.map((draft) => {
    if (draft.kind === 'campaign.strategy_selected') {
      const data = CampaignStrategySelected.toJSON({
        campaignId,
        strategyId: draft.strategyId,
        previousStrategyId: draft.previousStrategyId ?? '',
        epoch: draft.epoch,
      });
      return campaignEvent(ctx, draft.kind, campaignId, draft.epoch, data);
    }
    const data = CampaignApproachChanged.toJSON({
      campaignId,
      strategyId: strategyId ?? '',
      from: approachToProto(draft.from),
      to: approachToProto(draft.to),
      epoch: draft.epoch,
    });
    return campaignEvent(ctx, draft.kind, campaignId, draft.epoch, data);
  });
}

function campaignEvent(ctx: EventContext, kind: string, campaignId: string, epoch: number, data: unknown) {
  return createEvent({
    source,
    kind,
    space: ctx.space,
    subject: campaignId,
    data,
    epoch,
    traceparent: ctx.traceparent,
  });
}
