import type { GenderName } from '@prism/proto/vocabulary';
import type { AggregateDocument } from '@prism/store';

export type { GenderName };

export interface DemographicsFields {
  ageRanges: Array<{ min: number; max: number }>;
  genders: GenderName[];
  locations: string[];
  incomeBand: string;
  occupation: string;
}

export interface PersonaFields {
  strategyId: string;
  name: string;
  summary: string;
  demographics: DemographicsFields;
  goals: string[];
  motivations: string[];
  painPoints: string[];
  preferredChannels: string[];
  tone: string;
}

export interface PersonaDocument extends AggregateDocument, PersonaFields {
  createdAt: Date;
  updatedAt: Date;
}

/** One per campaign (`_id` = campaign id), kept after a clear so its epoch still guards commands. */
export interface SelectionDocument extends AggregateDocument {
  strategyId?: string;
  personaIds: string[];
  epoch: number;
  updatedAt: Date;
}

/** Projection of strategy.created/deleted: which strategy ids exist. */
export interface StrategyRefDocument {
  _id: string;
  spaceId: string;
  deleted: boolean;
}
