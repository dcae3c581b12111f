import type { ApproachName as Approach, GenderName } from '@prism/proto/vocabulary';
import type { AggregateDocument } from '@prism/store';

export type { GenderName };

export interface TargetAudienceFields {
  ageRanges: Array<{ min: number; max: number }>;
  genders: GenderName[];
  locations: string[];
  interests: string[];
  behaviours: string[];
  painPoints: string[];
}

export interface StrategyFields {
  name: string;
  brand: string;
  products: string[];
  objectives: string[];
  targetAudience: TargetAudienceFields;
  profileSpaceId: string;
}

export interface StrategyDocument extends AggregateDocument, StrategyFields {
  createdAt: Date;
  updatedAt: Date;
}

export interface CampaignDocument extends AggregateDocument {
  name: string;
  strategyId?: string;
  approach: Approach;
  epoch: number;
  createdAt: Date;
  updatedAt: Date;
}
