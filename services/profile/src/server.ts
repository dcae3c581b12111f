import { InvalidArgument, NotFound, PermissionDenied } from '@prism/errors';
import {
  type CallContext,
  pageTokenAfter,
  parseRequest,
  serverStream,
  type UnaryHandler,
  unary,
} from '@prism/grpc';
import type { ProfileServiceServer } from '@prism/proto/prism/profile/v1/profile';
import { matchesCondition } from '@prism/rules';
import { PROFILE_ID, parseIdentifier } from './domain/identity/index.js';
import { type ProfileState, traitValues } from './domain/profile-state.js';
import { parseTrackingRequest } from './http/parse.js';
import { computedTraitToProto, keyFilter, profileEventToProto, profileToProto } from './mapping.js';
import type { IngestQueue } from './pipeline/ingest-queue.js';
import type { ProfileMaintenance } from './pipeline/maintenance.js';
import type { ProfilePipeline } from './pipeline/profile-pipeline.js';
import * as requests from './requests.js';
import { OPERATOR_SPACE } from './spaces/index.js';

export interface ProfileServiceDeps {
  pipeline: ProfilePipeline;
  maintenance: ProfileMaintenance;
  queue: IngestQueue;
}

/**
 * gRPC handlers of the Profile API. Reads go through the space's state (its directory, its cache
 * of recent profiles, else MongoDB by `_id`; see SpaceState); every change goes through the
 * space's single writer.
 */
export function profileService(deps: ProfileServiceDeps): ProfileServiceServer {
  const { pipeline, maintenance, queue } = deps;

  async function profileOf(call: CallContext, lookup: string): Promise<ProfileState> {
    const identifier = parseIdentifier(lookup, 'lookup');
    // Answered while the space's directory may still be loading (after a restart).
    const state = await pipeline.answering(call.spaceId);
    const profile =
      identifier.type === PROFILE_ID ? await state.fetch(identifier.value) : await state.lookup(identifier);
    if (!profile) throw new NotFound('profile', lookup);
    return profile;
  }

  return {
    ingest: spaceCall(async (call, request) => {
      const { messages } = parseRequest(requests.ingestRequest, request);
      const parsed = parseTrackingRequest('batch', { batch: messages }, new Date());
      const rejected = parsed.rejected.map(({ index, field, description }) => ({
        index: index ?? 0,
        field: field.replace(/^batch\[/, 'messages['),
        description,
      }));
      if (parsed.messages.length === 0) {
        throw new InvalidArgument(rejected.map(({ field, description }) => ({ field, description })));
      }
      const { duplicates } = await queue.enqueue(call.spaceId, parsed.messages);
      return { accepted: parsed.messages.length, duplicates, rejected };
    }),

    getProfile: spaceCall(async (call, request) => {
      const { lookup, traitKeys } = parseRequest(requests.getProfileRequest, request);
      return { profile: profileToProto(await profileOf(call, lookup), traitKeys) };
    }),

    listProfileEvents: spaceCall(async (call, request) => {
      const { lookup, pageSize, pageToken, name } = parseRequest(requests.listProfileEventsRequest, request);
      const profile = await profileOf(call, lookup);
      // Reversed first: events of the same instant keep newest-arrival-first (the sort is stable).
      const events = (await pipeline.historyOf(profile))
        .filter((event) => !name || event.name === name)
        .reverse()
        .sort((a, b) => b.timestamp - a.timestamp);
      const page = events.slice(pageToken, pageToken + pageSize);
      const next = pageToken + pageSize < events.length ? pageToken + pageSize : undefined;
      return { events: page.map(profileEventToProto), nextPageToken: requests.eventPageTokenAfter(next) };
    }),

    searchProfiles: spaceCall(async (call, request) => {
      const { conditions, pageSize, pageToken } = parseRequest(requests.searchProfilesRequest, request);
      const state = await pipeline.read(call.spaceId);
      const matches: ProfileState[] = [];
      for await (const page of state.liveProfiles()) {
        for (const profile of page) {
          if (pageToken !== undefined && profile.id <= pageToken) continue;
          const { traits, computed } = traitValues(profile);
          const subject = { ...traits, ...computed };
          if (conditions.every((condition) => matchesCondition(subject, condition))) matches.push(profile);
        }
      }
      matches.sort((a, b) => (a.id < b.id ? -1 : 1));
      const page = matches.slice(0, pageSize);
      const more = matches.length > pageSize;
      return {
        profiles: page.map((p) => profileToProto(p)),
        nextPageToken: pageTokenAfter(more ? page.at(-1)?.id : undefined),
      };
    }),

    exportProfiles: serverStream(async (call, request, send, cancelled) => {
      refuseOperator(call);
      const { traitKeys, batchSize } = parseRequest(requests.exportProfilesRequest, request);
      // The profiles live when it started, read a page at a time: a long export holds one page.
      const state = await pipeline.read(call.spaceId);
      const total = state.size;
      const only = keyFilter(traitKeys);
      for await (const page of state.liveProfiles(batchSize)) {
        if (cancelled.aborted) break;
        const batch = page.map((profile) => {
          const { traits, computed } = traitValues(profile);
          return {
            profileId: profile.id,
            traitsJson: JSON.stringify(only(traits)),
            computedTraitsJson: JSON.stringify(only(computed)),
          };
        });
        await send({ profiles: batch, total });
      }
      if (total === 0) await send({ profiles: [], total: 0 });
    }),

    deleteProfile: spaceCall(async (call, request) => {
      const { lookup } = parseRequest(requests.deleteProfileRequest, request);
      const profile = await profileOf(call, lookup);
      const deleted = await maintenance.deleteProfile(call.spaceId, profile.id, 'DELETION_REQUESTED');
      return {
        profileId: deleted.profileId,
        deletedEvents: deleted.events,
        deletedIdentifiers: deleted.identifiers,
      };
    }),

    suppressIdentifier: spaceCall(async (call, request) => {
      const { identifier, deleteProfile } = parseRequest(requests.suppressIdentifierRequest, request);
      const parsed = parseIdentifier(identifier, 'identifier');
      if (parsed.type === PROFILE_ID) {
        throw new InvalidArgument([
          { field: 'identifier', description: 'must be an identifier (type:value), not a profile id' },
        ]);
      }
      const deletedProfileId = await maintenance.suppress(call.spaceId, parsed, deleteProfile);
      return { deletedProfileId: deletedProfileId ?? '' };
    }),

    createComputedTrait: spaceCall(async (call, request) => {
      const { definition } = parseRequest(requests.createComputedTraitRequest, request);
      return {
        computedTrait: computedTraitToProto(await maintenance.createComputedTrait(call.spaceId, definition)),
      };
    }),

    listComputedTraits: spaceCall(async (call) => {
      const traits = await pipeline.options.settings.computedTraitsOf(call.spaceId);
      return { computedTraits: traits.map(computedTraitToProto) };
    }),

    deleteComputedTrait: spaceCall(async (call, request) => {
      const { key } = parseRequest(requests.deleteComputedTraitRequest, request);
      await maintenance.deleteComputedTrait(call.spaceId, key);
      return {};
    }),
  };
}

/**
 * The operator key manages spaces (SpaceService) and holds no profiles: on the Profile API it is
 * refused rather than answered from an empty pseudo-space.
 */
function refuseOperator(call: CallContext): void {
  if (call.spaceId === OPERATOR_SPACE) {
    throw new PermissionDenied('the operator key manages spaces; call the Profile API with a space API key');
  }
}

function spaceCall<Req, Res>(handler: UnaryHandler<Req, Res>) {
  return unary<Req, Res>((call, request) => {
    refuseOperator(call);
    return handler(call, request);
  });
}
