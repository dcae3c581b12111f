import type { ApproachName } from '@prism/proto/vocabulary';

/** A generated segment as the wizard lists it (the segment-generation service has the card). */
export interface SelectedSegment {
  segmentId: string;
  name: string;
  size: number;
}

/**
 * What the persona and segment-generation services last said they hold for a campaign, each
 * part with the campaign epoch it was made (or cleared) under.
 */
export interface AudienceSelection {
  personas?: { epoch: number; revision: number; personaIds: string[] };
  segments?: { epoch: number; generationId: string; segments: SelectedSegment[] };
}

export type AudienceSelectionEvent =
  | { kind: 'personas.selected'; epoch: number; revision: number; personaIds: string[] }
  | { kind: 'personas.cleared'; epoch: number; revision: number }
  | { kind: 'segments.generated'; epoch: number; generationId: string; segments: SelectedSegment[] }
  | { kind: 'segments.cleared'; epoch: number };

/**
 * The epoch rule (docs/architecture.md §3) per part: an event older than what the part holds is ignored.
 * An equal epoch is applied, because a selection may be replaced (or emptied by a persona's
 * deletion) without the campaign moving on; then the later change wins (the larger persona
 * revision or generation id), as a redelivery may bring the earlier one last. Undefined = nothing to store.
 */
export function applySelectionEvent(
  current: AudienceSelection,
  event: AudienceSelectionEvent,
): AudienceSelection | undefined {
  if (event.kind === 'personas.selected' || event.kind === 'personas.cleared') {
    const held = current.personas;
    if (held && (event.epoch < held.epoch || (event.epoch === held.epoch && event.revision < held.revision)))
      return undefined;
    const personaIds = event.kind === 'personas.selected' ? event.personaIds : [];
    return { ...current, personas: { epoch: event.epoch, revision: event.revision, personaIds } };
  }
  if (current.segments && event.epoch < current.segments.epoch) return undefined;
  // Generation ids are UUIDv7, ordered by time. Segments are cleared when the campaign moves, before
  // any generation at the new epoch: a clear after a generation of its epoch is a redelivery (or the
  // deletion's, and a deleted campaign shows no selection).
  const held = current.segments;
  if (
    held?.epoch === event.epoch &&
    held.generationId !== '' &&
    (event.kind === 'segments.cleared' || event.generationId < held.generationId)
  )
    return undefined;
  const generated = event.kind === 'segments.generated' ? event : { generationId: '', segments: [] };
  return {
    ...current,
    segments: { epoch: event.epoch, generationId: generated.generationId, segments: generated.segments },
  };
}

/** What step 3 shows now: only a part made under the campaign's current epoch and approach counts. */
export function currentSelection(
  selection: AudienceSelection,
  campaign: { approach: ApproachName; epoch: number },
): { personaIds: string[]; segments: SelectedSegment[]; generationId: string } {
  const { personas, segments } = selection;
  const current = <Part extends { epoch: number }>(part: Part | undefined, approach: ApproachName) =>
    campaign.approach === approach && part?.epoch === campaign.epoch ? part : undefined;
  const chosenPersonas = current(personas, 'STRATEGY_PERSONAS');
  const generated = current(segments, 'AI_SEGMENTS');
  return {
    personaIds: chosenPersonas?.personaIds ?? [],
    segments: generated?.segments ?? [],
    generationId: generated?.generationId ?? '',
  };
}
