import type { Delivery, PrismEvent } from '@prism/bus';
import { kindOf } from '@prism/bus';
import { Rule as ProtoRule } from '@prism/proto/prism/rules/v1/rule';
import { ruleFromProto } from '@prism/rules';
import { z } from 'zod';
import { applySignal, type CampaignSignal, campaignAudienceKey } from '../domain/campaign-selection.js';
import { rebuildCampaign } from '../live/campaign-builder.js';
import type { AudienceEngine } from '../live/engine.js';

const epoch = z.coerce.number().int().min(1);

/** The strategy, persona and segment events about a campaign's selection, as audience-sync reads them. */
export const campaignSignalData = z.object({
  campaignId: z.string().min(1),
  epoch,
  personaIds: z.array(z.string().min(1)).optional(),
  generationId: z.string().default(''),
  // Persona selections before revisions were published read as the oldest.
  revision: z.coerce.number().int().min(0).default(0),
  segments: z
    .array(z.object({ segmentId: z.string().min(1), name: z.string().default(''), rule: z.unknown() }))
    .optional(),
});
export type CampaignSignalData = z.infer<typeof campaignSignalData>;

/** Undefined for kinds that change no selection (campaign.created). */
export function campaignSignalOf(kind: string, data: CampaignSignalData): CampaignSignal | undefined {
  switch (kind) {
    case 'campaign.strategy_selected':
    case 'campaign.approach_changed':
      return { kind: 'moved', epoch: data.epoch };
    case 'campaign.deleted':
      return { kind: 'deleted', epoch: data.epoch };
    case 'campaign.personas.selected':
      return {
        kind: 'selected',
        epoch: data.epoch,
        revision: data.revision,
        selection: { kind: 'personas', personaIds: data.personaIds ?? [] },
      };
    case 'campaign.segments.generated': {
      const segments = (data.segments ?? []).map((segment, index) => ({
        id: segment.segmentId,
        name: segment.name,
        rule: ruleFromProto(ProtoRule.fromJSON(segment.rule), `segments[${index}].rule`),
      }));
      const selection = { kind: 'segments' as const, generationId: data.generationId, segments };
      return { kind: 'selected', epoch: data.epoch, revision: 0, selection };
    }
    case 'campaign.personas.cleared':
      return { kind: 'cleared', epoch: data.epoch, of: 'personas', revision: data.revision };
    case 'campaign.segments.cleared':
      return { kind: 'cleared', epoch: data.epoch, of: 'segments', revision: 0 };
    default:
      return undefined;
  }
}

/**
 * Applies a campaign event to the campaign's selection (the epoch rule) and rebuilds its
 * audience, on the space's queue. A redelivered event changes nothing, but still rebuilds when
 * the stored audience is behind the selection (a stop between the two writes).
 */
export function campaignSignalHandler(engine: AudienceEngine) {
  return (event: PrismEvent<CampaignSignalData>, delivery: Delivery): Promise<void> => {
    const signal = campaignSignalOf(kindOf(event), event.data);
    if (!signal) return Promise.resolve();
    const space = event.prismspace;
    return engine.inSpace(space, async (state) => {
      const { campaigns } = engine.deps.repos;
      const current = await campaigns.campaign(space, event.data.campaignId);
      const next = applySignal(current, signal);
      if (next) await campaigns.saveCampaign(space, next);
      const campaign = next ?? current;
      const union = state.byKey(campaignAudienceKey(campaign.campaignId));
      const built =
        union?.definition.campaign?.epoch === campaign.epoch &&
        state.docs.get(union.definition.id)?.status.state === 'live';
      if (next || (!built && !campaign.deleted && campaign.epoch > 0))
        await rebuildCampaign(engine, state, campaign, delivery.cause);
    });
  };
}
