/**
 * Which personas a strategy has, as learned from persona events. Ids are never reused, so a
 * deletion is remembered and wins over a creation delivered after it: applying the same
 * events in any order, any number of times, ends in the same set.
 */
export interface StrategyPersonas {
  personaIds: string[];
  deletedPersonaIds: string[];
}

export type PersonaMembershipEvent = { kind: 'created' | 'deleted'; personaId: string };

export const noPersonas: StrategyPersonas = { personaIds: [], deletedPersonaIds: [] };

export function applyPersonaEvent(state: StrategyPersonas, event: PersonaMembershipEvent): StrategyPersonas {
  const deleted = new Set(state.deletedPersonaIds);
  const live = new Set(state.personaIds);
  if (event.kind === 'deleted') {
    deleted.add(event.personaId);
    live.delete(event.personaId);
  } else if (!deleted.has(event.personaId)) {
    live.add(event.personaId);
  }
  return { personaIds: [...live].sort(), deletedPersonaIds: [...deleted].sort() };
}
