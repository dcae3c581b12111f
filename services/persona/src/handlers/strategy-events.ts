import { type EventContext, type EventHandler, kindOf } from '@prism/bus';
import { NotFound } from '@prism/errors';
import { z } from 'zod';
import { personaDeleted } from '../events/persona-events.js';
import type { PersonaDocument } from '../store/documents.js';
import type { PersonaRepositories } from '../store/repositories.js';

export const strategyEventData = z.object({ strategyId: z.string().min(1) });
export type StrategyEventData = z.infer<typeof strategyEventData>;

/**
 * Keeps `strategy_refs` current and retires the personas of a deleted strategy. The deletion is
 * recorded before the personas are looked up, so a persona created concurrently is either seen
 * here or sees the deletion itself (createPersona checks again after its insert). Redelivery is
 * harmless: the ref writes are idempotent and retired personas are no longer listed.
 */
export function strategyEventHandler(repos: PersonaRepositories): EventHandler<StrategyEventData> {
  return async (event, { cause }) => {
    const { strategyId } = event.data;
    const kind = kindOf(event);
    if (kind === 'strategy.deleted') {
      await repos.strategyRefs.deleted(event.prismspace, strategyId);
      await retirePersonasOf(repos, cause, strategyId);
    } else if (kind === 'strategy.created' || kind === 'strategy.updated')
      await repos.strategyRefs.learned(event.prismspace, strategyId);
  };
}

/** Deletes every live persona of the strategy, each with its persona.deleted (selections follow it). */
async function retirePersonasOf(
  repos: Pick<PersonaRepositories, 'personas'>,
  cause: EventContext,
  strategyId: string,
): Promise<void> {
  const { personas } = repos;
  for await (const persona of personas.each(cause.space, { strategyId }))
    await retirePersona(personas, cause, persona);
}

/** Deletes one persona of a deleted strategy; one already gone (retired concurrently) is fine. */
export async function retirePersona(
  personas: PersonaRepositories['personas'],
  cause: EventContext,
  persona: Pick<PersonaDocument, '_id' | 'strategyId' | 'version'>,
): Promise<void> {
  const { _id, strategyId, version } = persona;
  try {
    await personas.remove(cause.space, _id, version, [
      personaDeleted(cause, { _id, strategyId, version: version + 1 }),
    ]);
  } catch (error) {
    if (!(error instanceof NotFound)) throw error;
  }
}
