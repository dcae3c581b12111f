import type { Rule } from '@prism/rules';

/**
 * An audience of a space: who its members are is decided by its rule (dynamic and campaign
 * audiences), its list of people (static) or its likeness to a seed audience (lookalike). The
 * key is stable across edits: it names the audience in other audiences' rules and in the
 * subjects of its events.
 */
export type AudienceKind = 'dynamic' | 'static' | 'campaign' | 'lookalike';

export const AUDIENCE_KEY_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/** Where a campaign audience comes from: one segment or persona of a selection, or their union. */
export interface CampaignSource {
  campaignId: string;
  epoch: number;
  segmentId?: string;
  personaId?: string;
  union: boolean;
}

/** A lookalike audience's seed (by key) and its share of the seed's non-members, 1–10 %. */
export interface LookalikeSource {
  seedKey: string;
  percent: number;
}

export interface AudienceDefinition {
  id: string;
  key: string;
  name: string;
  kind: AudienceKind;
  /** Dynamic and campaign audiences. */
  rule?: Rule;
  /** Static audiences: profile ids and `type:value` identifiers. */
  entries?: readonly string[];
  version: number;
  campaign?: CampaignSource;
  lookalike?: LookalikeSource;
}

export type ComputeState = 'building' | 'live' | 'failed';

export interface ComputeStatus {
  state: ComputeState;
  /** 0–1 while building. */
  progress: number;
  error?: string;
  computedAt?: Date;
}
