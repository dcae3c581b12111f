import {
  type Audience,
  AudienceKind,
  ComputeState,
  type Member,
  type TraitMapping as ProtoTraitMapping,
} from '@prism/proto/prism/audience/v1/audience';
import { ruleToProto, traitKeysOf } from '@prism/rules';
import type { AudienceKind as Kind, ComputeState as State } from './domain/audience.js';
import type { TraitMapping } from './domain/persona-rule.js';
import type { ProfileView } from './domain/profile-mirror.js';
import { traitsAt } from './events/audience-events.js';
import type { AudienceDocument } from './store/documents.js';

const KINDS: Record<Kind, AudienceKind> = {
  dynamic: AudienceKind.AUDIENCE_KIND_DYNAMIC,
  static: AudienceKind.AUDIENCE_KIND_STATIC,
  campaign: AudienceKind.AUDIENCE_KIND_CAMPAIGN,
  lookalike: AudienceKind.AUDIENCE_KIND_LOOKALIKE,
};

const STATES: Record<State, ComputeState> = {
  building: ComputeState.COMPUTE_STATE_BUILDING,
  live: ComputeState.COMPUTE_STATE_LIVE,
  failed: ComputeState.COMPUTE_STATE_FAILED,
};

/** An audience as the API shows it; `size` is the live member count. */
export function audienceToProto(doc: AudienceDocument, size: number): Audience {
  const { status } = doc;
  return {
    id: doc._id,
    key: doc.key,
    name: doc.name,
    description: doc.description,
    kind: KINDS[doc.kind],
    rule: doc.rule ? ruleToProto(doc.rule) : undefined,
    version: doc.version,
    size,
    status: {
      state: STATES[status.state],
      progress: status.progress,
      error: status.error ?? '',
      lastComputedTime: status.computedAt,
    },
    campaign: doc.campaign && {
      campaignId: doc.campaign.campaignId,
      epoch: doc.campaign.epoch,
      segmentId: doc.campaign.segmentId ?? '',
      personaId: doc.campaign.personaId ?? '',
      union: doc.campaign.union,
    },
    createTime: doc.createdAt,
    updateTime: doc.updatedAt,
    lookalike: doc.lookalike && {
      seedAudienceKey: doc.lookalike.seedKey,
      percent: doc.lookalike.percent,
    },
  };
}

export const traitMappingToProto = (mapping: TraitMapping): ProtoTraitMapping => ({ ...mapping });

/** The trait paths an audience's rule names: the traits its members are shown with by default. */
export const namedTraitPaths = (doc: AudienceDocument): string[] => (doc.rule ? traitKeysOf(doc.rule) : []);

/**
 * A member as ListMembers and ExportMembers show it: its identifiers and its values at the trait
 * paths asked for, as the mirror has the profile now (none once the profile is gone).
 */
export const memberToProto = (
  profileId: string,
  profile: ProfileView | undefined,
  traitPaths: readonly string[],
  enteredAt: number | undefined,
): Member => ({
  profileId,
  identifiers: profile?.identifiers ?? [],
  traits: traitsAt(traitPaths, profile),
  enterTime: new Date(enteredAt ?? 0),
});
