import type { Rule } from '@prism/rules';
import type { Binary } from 'mongodb';
import type { AudienceKind, CampaignSource, ComputeStatus, LookalikeSource } from '../domain/audience.js';
import type { CampaignSelection } from '../domain/campaign-selection.js';
import type { PersonaDemographics, TraitMapping } from '../domain/persona-rule.js';

/** `audiences`: one per audience of a space; `(spaceId, key)` is unique. */
export interface AudienceDocument {
  _id: string;
  spaceId: string;
  key: string;
  name: string;
  description: string;
  kind: AudienceKind;
  rule?: Rule;
  entries?: string[];
  version: number;
  size: number;
  status: ComputeStatus;
  campaign?: CampaignSource;
  lookalike?: LookalikeSource;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * `membership_log`: the outbox of membership. One document per committed batch of changes,
 * holding the changes and their events; written before the events are published. Membership is
 * the latest snapshot plus the log after it. The batch is deflated JSON: one binary value is
 * the cheapest thing a Mongo-wire server stores (FerretDB describes every element of an array
 * otherwise), the events go out again byte for byte after a crash, and trait paths stay opaque.
 */
export interface MembershipLogDocument {
  _id: string;
  spaceId: string;
  seq: number;
  /** Deflated JSON of `{ changes: MembershipChange[], events: PrismEvent[] }`. */
  batch: Binary;
}

/** `membership_published`: the last log sequence of a space whose events are published (in order). */
export interface MembershipPublishedDocument {
  _id: string;
  spaceId: string;
  seq: number;
}

/** `membership_buckets`: a snapshot of one audience's members, split by a hash of the profile id. */
export interface MembershipBucketDocument {
  _id: string;
  spaceId: string;
  audienceId: string;
  /** Deflated JSON of `[profileId, enteredAtMs][]`. */
  members: Binary;
}

/** `membership_marks`: the log sequence a space's snapshot includes. */
export interface MembershipMarkDocument {
  _id: string;
  spaceId: string;
  throughSeq: number;
}

/** `campaigns`: a campaign's selection at its newest epoch (the projection of campaign, persona and segment events). */
export interface CampaignDocument {
  _id: string;
  spaceId: string;
  epoch: number;
  selection: CampaignSelection;
  deleted: boolean;
  /** Absent in documents written before persona changes carried a revision. */
  personaRevision?: number;
}

/** `personas`: what a selected persona's rule is made from. */
export interface PersonaDocument {
  _id: string;
  spaceId: string;
  name: string;
  demographics: PersonaDemographics;
  version: number;
}

/** `trait_mappings`: a space's persona-to-trait mapping, when it is not the default. */
export interface TraitMappingDocument {
  _id: string;
  spaceId: string;
  mapping: TraitMapping;
}
