import { parseRequest, unary } from '@prism/grpc';
import type { DestinationServiceServer } from '@prism/proto/prism/audience/v1/destinations';
import * as requests from './destination-requests.js';
import type { AudienceEngine } from './live/engine.js';

/** Page tokens of dead letters: the last id of the page, opaque to callers. */
const tokenOf = (id: string | undefined) => (id ? Buffer.from(id, 'utf8').toString('base64url') : '');
const afterOf = (token: string) => (token ? Buffer.from(token, 'base64url').toString('utf8') : '');

/** Dead letters of a destination: listed in pages, and sent again (replayed) on request. */
export function deadLetterHandlers(
  engine: AudienceEngine,
  wake: (destinationIds: string[]) => void,
): Pick<DestinationServiceServer, 'listDeadLetters' | 'replayDeadLetters'> {
  const { destinations, deliveries } = engine.deps.repos;
  return {
    listDeadLetters: unary(async (call, request) => {
      const { destinationId, pageSize, pageToken } = parseRequest(requests.listDeadLettersRequest, request);
      await destinations.get(call.spaceId, destinationId);
      const page = await deliveries.deadLetters(
        call.spaceId,
        destinationId,
        afterOf(pageToken),
        pageSize + 1,
      );
      const shown = page.slice(0, pageSize);
      return {
        deadLetters: shown.map((letter) => ({
          id: letter._id,
          profileId: letter.profileId,
          change: letter.change,
          attempts: letter.attempts,
          lastError: letter.lastError ?? '',
          deadTime: letter.deadAt,
        })),
        nextPageToken: page.length > pageSize ? tokenOf(shown.at(-1)?._id) : '',
      };
    }),

    replayDeadLetters: unary(async (call, request) => {
      const { destinationId, ids } = parseRequest(requests.replayDeadLettersRequest, request);
      await destinations.get(call.spaceId, destinationId);
      const replayed = await deliveries.replay(call.spaceId, destinationId, ids);
      wake([destinationId]);
      return { replayed };
    }),
  };
}
