import type { PrismEvent } from '@prism/bus';
import { Aborted, AlreadyExists } from '@prism/errors';
import type { AggregateDocument, SpaceScopedCollection } from '@prism/store';
import { COMMAND_WRITE_ATTEMPTS, requireNotSuperseded } from './epoch-rule.js';

/** A campaign's document held by a follower (`_id` = campaign id), made under an epoch. */
export type HeldAtEpoch = AggregateDocument & { epoch: number };

/**
 * Writes what a command made under `fields.epoch` (a selection, a generation) as the campaign's
 * document, with its events. The service's campaign follower writes the same document (each
 * newer epoch, clears), so a version conflict alone does not make the command stale: only a
 * newer epoch does (ABORTED). Otherwise it re-reads and retries. The events are made for the
 * document's version after the write (`revision`), which orders changes within one epoch.
 */
export async function writeAtEpoch<Doc extends HeldAtEpoch>(
  documents: SpaceScopedCollection<Doc>,
  target: { spaceId: string; campaignId: string; what: string },
  fields: Omit<Doc, keyof AggregateDocument> & { epoch: number },
  eventsAt: (revision: number) => PrismEvent[],
  /** Throws when the stored document must stay, beyond the epoch rule (e.g. a newer generation). */
  requireReplaceable: (current: Doc) => void = () => {},
): Promise<void> {
  const { spaceId, campaignId } = target;
  for (let attempt = 1; ; attempt++) {
    const current = await documents.find(spaceId, campaignId);
    requireNotSuperseded(current ?? undefined, fields.epoch);
    if (current) requireReplaceable(current);
    try {
      if (current) {
        const events = eventsAt(current.version + 1);
        await documents.update(spaceId, campaignId, current.version, fields as never, events);
      } else await documents.insert(spaceId, { _id: campaignId, ...fields } as never, eventsAt(1));
      return;
    } catch (error) {
      if (!(error instanceof Aborted || error instanceof AlreadyExists)) throw error;
      if (attempt === COMMAND_WRITE_ATTEMPTS) {
        throw new Aborted(`The campaign kept changing while ${target.what}; reload it and retry.`);
      }
    }
  }
}
