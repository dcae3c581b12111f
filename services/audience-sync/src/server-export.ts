import { parseRequest, serverStream } from '@prism/grpc';
import type { AudienceServiceServer } from '@prism/proto/prism/audience/v1/audience';
import { memberToProto, namedTraitPaths } from './mapping.js';
import * as requests from './requests.js';
import { type AudienceServiceDeps, audienceIn } from './service-deps.js';

type ExportHandlers = Pick<AudienceServiceServer, 'exportMembers'>;

/** Exports: an audience's members streamed in batches, for files and ad platforms. */
export function exportHandlers({ engine }: AudienceServiceDeps): ExportHandlers {
  return {
    exportMembers: serverStream(async (call, request, send, cancelled) => {
      const { audience, traitKeys, batchSize } = parseRequest(requests.exportMembersRequest, request);
      // The members when the export starts, taken on the space's queue; the stream reads the
      // profiles as it goes, so later changes neither stall the space nor tear the export.
      const { members, traitPaths } = await engine.inSpace(call.spaceId, async (state) => {
        const doc = audienceIn(state, audience);
        return {
          members: [...(state.live.get(doc._id)?.members ?? [])],
          traitPaths: traitKeys.length > 0 ? traitKeys : namedTraitPaths(doc),
        };
      });
      const { mirror } = engine.space(call.spaceId);
      const total = members.length;
      for (let start = 0; start < total && !cancelled.aborted; start += batchSize) {
        const batch = members
          .slice(start, start + batchSize)
          .map(([profileId, enteredAt]) =>
            memberToProto(profileId, mirror.get(profileId), traitPaths, enteredAt),
          );
        await send({ members: batch, total });
      }
      if (total === 0) await send({ members: [], total });
    }),
  };
}
