import { InvalidArgument } from '@prism/errors';
import { parseRequest, unary } from '@prism/grpc';
import type { AudienceServiceServer } from '@prism/proto/prism/audience/v1/audience';
import { campaignAudienceKey } from './domain/campaign-selection.js';
import type { TraitMapping } from './domain/persona-rule.js';
import { parseEntry, parseMembersCsv } from './domain/static-list.js';
import { membersInOrder } from './index/member-order.js';
import { rebuildCampaign } from './live/campaign-builder.js';
import { reviseDefinition } from './live/definitions.js';
import type { SpaceState } from './live/space-state.js';
import { audienceToProto, memberToProto, namedTraitPaths, traitMappingToProto } from './mapping.js';
import { memberPageToken } from './member-page-token.js';
import * as requests from './requests.js';
import { type AudienceServiceDeps, audienceIn, requireKind } from './service-deps.js';
import type { AudienceDocument } from './store/documents.js';

type MemberHandlers = Pick<
  AudienceServiceServer,
  | 'listMembers'
  | 'checkMembership'
  | 'addMembers'
  | 'removeMembers'
  | 'importMembers'
  | 'getCampaignAudience'
  | 'getTraitMapping'
  | 'setTraitMapping'
>;

/** Members (reads and static lists), campaign audiences and the trait mapping. */
export function memberHandlers(deps: AudienceServiceDeps): MemberHandlers {
  const { engine } = deps;
  const sizeOf = (state: SpaceState, doc: AudienceDocument) => state.live.get(doc._id)?.members.size ?? 0;
  const show = (state: SpaceState, doc: AudienceDocument) =>
    audienceToProto(state.docs.get(doc._id) ?? doc, sizeOf(state, doc));

  /** Replaces a static audience's entries and recomputes it before answering. */
  const editList = (
    spaceId: string,
    reference: string,
    edit: (entries: Set<string>) => void,
    cause: import('@prism/bus').EventContext,
  ) =>
    engine.inSpace(spaceId, async (state) => {
      const current = audienceIn(state, reference);
      requireKind(current, 'static', 'change the members of');
      const entries = new Set(current.entries ?? []);
      edit(entries);
      const doc = await reviseDefinition(engine, state, current, { entries: [...entries] });
      await engine.recomputeInQueue(state, doc._id, cause, { kind: 'MANUAL' });
      return { state, doc };
    });

  return {
    listMembers: unary(async (call, request) => {
      const { audience, pageSize, order, after } = parseRequest(requests.listMembersRequest, request);
      const state = engine.space(call.spaceId);
      const doc = audienceIn(state, audience);
      const members = state.live.get(doc._id)?.members ?? new Map<string, number>();
      const rows = state.index.members(doc._id);
      const { page, more } = membersInOrder(state.index, rows, order, after, pageSize);
      const traitPaths = namedTraitPaths(doc);
      const last = page.at(-1);
      return {
        members: page.map(({ profileId }) =>
          memberToProto(profileId, state.mirror.get(profileId), traitPaths, members.get(profileId)),
        ),
        nextPageToken: more && last ? memberPageToken(order, last) : '',
        size: members.size,
      };
    }),

    checkMembership: unary(async (call, request) => {
      const { audience, profile } = parseRequest(requests.checkMembershipRequest, request);
      const state = engine.space(call.spaceId);
      const doc = audienceIn(state, audience);
      const profileId = state.mirror.resolve(profile) ?? profile;
      const enteredAt = state.live.get(doc._id)?.members.get(profileId);
      return {
        member: enteredAt !== undefined,
        profileId: state.mirror.get(profileId) ? profileId : '',
        enterTime: enteredAt === undefined ? undefined : new Date(enteredAt),
      };
    }),

    addMembers: unary(async (call, request) => {
      const { audience, identifiers } = parseRequest(requests.membersRequest, request);
      const entries = parseEntries(identifiers);
      let added = 0;
      const { state, doc } = await editList(
        call.spaceId,
        audience,
        (list) => {
          for (const entry of entries.filter((entry) => !list.has(entry))) {
            list.add(entry);
            added += 1;
          }
        },
        call.cause,
      );
      const pending = entries.filter((entry) => !state.mirror.resolve(entry)).length;
      return { added, pending, audience: show(state, doc) };
    }),

    removeMembers: unary(async (call, request) => {
      const { audience, identifiers } = parseRequest(requests.membersRequest, request);
      const entries = parseEntries(identifiers);
      let removed = 0;
      const { state, doc } = await editList(
        call.spaceId,
        audience,
        (list) => {
          for (const entry of entries) if (list.delete(entry)) removed += 1;
        },
        call.cause,
      );
      return { removed, audience: show(state, doc) };
    }),

    importMembers: unary(async (call, request) => {
      const { audience, csv } = parseRequest(requests.importMembersRequest, request);
      const parsed = parseMembersCsv(csv);
      let imported = 0;
      const { state, doc } = await editList(
        call.spaceId,
        audience,
        (list) => {
          for (const entry of parsed.entries.filter((entry) => !list.has(entry))) {
            list.add(entry);
            imported += 1;
          }
        },
        call.cause,
      );
      return { imported, problems: parsed.problems, audience: show(state, doc) };
    }),

    getCampaignAudience: unary(async (call, request) => {
      const { campaignId } = parseRequest(requests.campaignAudienceRequest, request);
      const state = engine.space(call.spaceId);
      const held = [...state.docs.values()].filter((doc) => doc.campaign?.campaignId === campaignId);
      const union = held.find((doc) => doc.key === campaignAudienceKey(campaignId));
      const parts = held.filter((doc) => doc !== union).sort((a, b) => a.key.localeCompare(b.key));
      return {
        campaignId,
        epoch: union?.campaign?.epoch ?? 0,
        union: union && show(state, union),
        parts: parts.map((doc) => show(state, doc)),
      };
    }),

    getTraitMapping: unary(async (call) => ({
      mapping: traitMappingToProto(await engine.deps.repos.campaigns.traitMapping(call.spaceId)),
    })),

    setTraitMapping: unary(async (call, request) => {
      const { mapping } = parseRequest(requests.setTraitMappingRequest, request);
      const { campaigns } = engine.deps.repos;
      const current = await campaigns.traitMapping(call.spaceId);
      const next = { ...current };
      for (const [field, path] of Object.entries(mapping) as [keyof TraitMapping, string][])
        if (path) next[field] = path;
      await engine.inSpace(call.spaceId, async (state) => {
        await campaigns.setTraitMapping(call.spaceId, next);
        for (const campaignId of await campaigns.personaCampaigns(call.spaceId))
          await rebuildCampaign(
            engine,
            state,
            await campaigns.campaign(call.spaceId, campaignId),
            call.cause,
          );
      });
      return { mapping: traitMappingToProto(next) };
    }),
  };
}

/** Entries of a list request; a malformed one is named by its index. */
function parseEntries(identifiers: string[]): string[] {
  const violations: { field: string; description: string }[] = [];
  const entries = identifiers.flatMap((raw, index) => {
    const parsed = parseEntry(raw);
    if ('entry' in parsed) return [parsed.entry];
    violations.push({ field: `identifiers[${index}]`, description: parsed.problem });
    return [];
  });
  if (violations.length > 0) throw new InvalidArgument(violations);
  return entries;
}
