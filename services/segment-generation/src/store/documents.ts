import type { Rule } from '@prism/rules';
import type { AggregateDocument } from '@prism/store';
import type { DescribedBy } from '../domain/describe/language-model.js';
import type { Contrast } from '../domain/model.js';

/** A generated segment as stored (and served) inside its campaign's document. */
export interface SegmentRecord {
  id: string;
  name: string;
  demographicProfile: string;
  geographicFocus: string;
  interestsAndBehaviours: string[];
  painPoints: string[];
  size: number;
  share: number;
  contrasts: Contrast[];
  rule: Rule;
  ruleAgreement: { coverage: number; precision: number; matched: number };
  describedBy: DescribedBy;
}

/**
 * One per campaign (`_id` = campaign id): the current generation whole. A regeneration replaces
 * the `segments` array in one single-document write, so a reader sees the old set or the new one,
 * never a mix; the document stays after a clear so its epoch still guards late commands.
 */
export interface CampaignSegmentsDocument extends AggregateDocument {
  strategyId: string;
  /** The campaign epoch the segments were generated (or last cleared) under. */
  epoch: number;
  /** Empty when cleared or never generated. */
  generationId: string;
  segments: SegmentRecord[];
  populationSize: number;
  context: string;
  generatedAt?: Date;
  updatedAt: Date;
}

/** `segment_refs`: which campaign a segment id belongs to, so GetSegment needs only the id. */
export interface SegmentRefDocument {
  _id: string;
  spaceId: string;
  campaignId: string;
  generationId: string;
}
