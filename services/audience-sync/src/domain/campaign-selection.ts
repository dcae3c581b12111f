import { createHash } from 'node:crypto';
import type { Rule } from '@prism/rules';
import { type PersonaDemographics, personaRule, type TraitMapping } from './persona-rule.js';

/** What a campaign's step 3 holds at its epoch, as the persona and segment events say it. */
export type CampaignSelection =
  | { kind: 'none' }
  | { kind: 'segments'; generationId: string; segments: { id: string; name: string; rule: Rule }[] }
  | { kind: 'personas'; personaIds: string[] };

export interface CampaignState {
  campaignId: string;
  epoch: number;
  selection: CampaignSelection;
  deleted: boolean;
  /** The persona service's revision of the last persona change applied (absent in older documents). */
  personaRevision?: number;
}

/**
 * A campaign event as audience-sync reads it. `revision` orders the persona service's changes
 * within an epoch (a selection replaced, a deleted persona dropped); 0 for segments.
 */
export type CampaignSignal =
  | { kind: 'moved'; epoch: number }
  | { kind: 'deleted'; epoch: number }
  | {
      kind: 'selected';
      epoch: number;
      revision: number;
      selection: Exclude<CampaignSelection, { kind: 'none' }>;
    }
  | { kind: 'cleared'; epoch: number; revision: number; of: 'segments' | 'personas' };

/**
 * The epoch rule for campaign audiences (docs/architecture.md §3): a selection is kept only at
 * the newest epoch seen. A move (approach or strategy switch) to a newer epoch empties it; a
 * selection at the current or a newer epoch replaces it; a clear empties only its own kind, so a
 * late `segments.cleared` cannot wipe the personas chosen at the same epoch. Within one epoch,
 * a change older than the one held (an earlier generation, a lower persona revision) is ignored:
 * a redelivery may bring it after its successor. Undefined: no change.
 */
export function applySignal(state: CampaignState, signal: CampaignSignal): CampaignState | undefined {
  if (state.deleted || signal.epoch < state.epoch) return undefined;
  const none: CampaignSelection = { kind: 'none' };
  switch (signal.kind) {
    case 'deleted':
      return { ...state, epoch: signal.epoch, selection: none, deleted: true };
    case 'moved':
      return signal.epoch > state.epoch ? { ...state, epoch: signal.epoch, selection: none } : undefined;
    case 'selected':
      if (superseded(state, signal)) return undefined;
      return {
        ...state,
        ...revised(signal, signal.selection.kind),
        epoch: signal.epoch,
        selection: signal.selection,
      };
    case 'cleared':
      if (signal.epoch > state.epoch)
        return { ...state, ...revised(signal, signal.of), epoch: signal.epoch, selection: none };
      return state.selection.kind === signal.of && !superseded(state, signal)
        ? { ...state, ...revised(signal, signal.of), selection: none }
        : undefined;
  }
}

const revised = (signal: { revision: number }, of: 'segments' | 'personas') =>
  of === 'personas' ? { personaRevision: signal.revision } : {};

/**
 * Whether what is held is later than the signal's change at the same epoch: of two persona
 * changes the larger revision; of two generations the later click's (the larger UUIDv7), as in
 * segment generation and strategy. Segments are cleared when the campaign moves, before anything
 * is generated at the new epoch, so a clear arriving after a generation of its own epoch is a
 * redelivery (or a deletion's clear, which `deleted` from the strategy service covers).
 */
function superseded(
  state: CampaignState,
  signal: Extract<CampaignSignal, { kind: 'selected' | 'cleared' }>,
): boolean {
  if (signal.epoch !== state.epoch) return false;
  const of = signal.kind === 'cleared' ? signal.of : signal.selection.kind;
  if (of === 'personas') return signal.revision < (state.personaRevision ?? 0);
  const held = state.selection;
  if (held.kind !== 'segments') return false;
  return (
    signal.kind === 'cleared' ||
    (signal.selection.kind === 'segments' && signal.selection.generationId < held.generationId)
  );
}

export const newCampaignState = (campaignId: string): CampaignState => ({
  campaignId,
  epoch: 0,
  selection: { kind: 'none' },
  deleted: false,
});

/** One audience of a campaign's selection: a segment or a persona. */
export interface CampaignPart {
  key: string;
  name: string;
  rule: Rule;
  segmentId?: string;
  personaId?: string;
}

export interface KnownPersona {
  name: string;
  demographics: PersonaDemographics;
}

/**
 * The campaign's audiences at its epoch: one per segment (its rule) or selected persona (its
 * demographics over the space's traits). A persona whose event has not arrived yet is left out
 * until it does (its arrival rebuilds the campaign).
 */
export function campaignParts(
  state: CampaignState,
  personas: ReadonlyMap<string, KnownPersona>,
  mapping: TraitMapping,
): CampaignPart[] {
  const base = campaignAudienceKey(state.campaignId);
  const { selection } = state;
  if (selection.kind === 'segments')
    return selection.segments.map((segment, index) => ({
      key: `${base}_s${index + 1}`,
      name: segment.name,
      rule: segment.rule,
      segmentId: segment.id,
    }));
  if (selection.kind === 'personas')
    return selection.personaIds.flatMap((personaId, index) => {
      const persona = personas.get(personaId);
      if (!persona) return [];
      const rule = personaRule(persona.demographics, mapping);
      return [{ key: `${base}_p${index + 1}`, name: persona.name, rule, personaId }];
    });
  return [];
}

/** The union: a member of any part (each part is an audience, so the union reads its members). */
export const unionRule = (parts: readonly CampaignPart[]): Rule => ({
  any: parts.map((part) => ({ audience: { key: part.key } })),
});

/** A campaign's audience key: stable for the campaign's life, a valid subject token. */
export const campaignAudienceKey = (campaignId: string) =>
  `campaign_${createHash('sha256').update(campaignId).digest('hex').slice(0, 16)}`;
