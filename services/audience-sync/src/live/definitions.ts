import type { EventContext } from '@prism/bus';
import { Aborted, AlreadyExists } from '@prism/errors';
import type { AudienceDocument } from '../store/documents.js';
import type { AudienceEngine } from './engine.js';
import type { SpaceState } from './space-state.js';

/** What a definition write changes: the fields callers may set. */
export type DefinitionFields = Pick<
  AudienceDocument,
  'name' | 'description' | 'rule' | 'entries' | 'campaign'
>;

/**
 * Stores a new audience (status building) and makes it live in memory; the caller queues its
 * computation. Runs on the space's queue.
 */
export async function insertDefinition(
  engine: AudienceEngine,
  state: SpaceState,
  doc: AudienceDocument,
): Promise<AudienceDocument> {
  await behindTheStore(engine, state, doc, engine.deps.repos.audiences.insert(doc));
  state.put(doc);
  return doc;
}

/** Replaces a definition at `expectedVersion` (its key and kind stay), raising the version. */
export async function reviseDefinition(
  engine: AudienceEngine,
  state: SpaceState,
  current: AudienceDocument,
  fields: Partial<DefinitionFields>,
): Promise<AudienceDocument> {
  const next: AudienceDocument = {
    ...current,
    ...fields,
    version: current.version + 1,
    status: { state: 'building', progress: 0 },
    updatedAt: new Date(engine.now()),
  };
  await behindTheStore(engine, state, current, engine.deps.repos.audiences.replace(next, current.version));
  state.put(next);
  return next;
}

/**
 * A write whose answer was lost (the Mongo-wire server restarted after applying it) leaves memory
 * behind the store, and every retry would meet the same conflict: on a conflict, memory takes the
 * stored definition (the system of record) before the error goes back for a retry. A definition
 * the store no longer holds was removed by a delete whose answer was lost: its removal finishes.
 */
async function behindTheStore(
  engine: AudienceEngine,
  state: SpaceState,
  written: AudienceDocument,
  write: Promise<void>,
) {
  try {
    await write;
  } catch (error) {
    if (error instanceof Aborted || error instanceof AlreadyExists) {
      const stored = await engine.deps.repos.audiences.byKey(state.spaceId, written.key);
      if (state.docs.has(written._id) && stored?._id !== written._id)
        await engine.forgetRemoved(state, written._id);
      if (stored) state.put(stored);
    }
    throw error;
  }
}

/** Queues a recompute (with its dependents) after the current work; failures end up in its status. */
export function queueRecompute(
  engine: AudienceEngine,
  spaceId: string,
  audienceId: string,
  context: EventContext,
  kind: 'RECOMPUTE' | 'MANUAL',
) {
  return engine
    .inSpace(spaceId, (state) => engine.recomputeInQueue(state, audienceId, context, { kind }))
    .catch((error) =>
      engine.deps.logger.error({ err: error, space: spaceId, audienceId }, 'audience computation failed'),
    );
}
