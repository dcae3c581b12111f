import { type AudienceFailure, FailedPrecondition } from '@prism/errors';
import { pageTokenAfter, parseRequest, unary } from '@prism/grpc';
import type { AudienceServiceServer } from '@prism/proto/prism/audience/v1/audience';
import { v7 as uuidv7 } from 'uuid';
import { insertDefinition, queueRecompute, reviseDefinition } from './live/definitions.js';
import { audienceToProto } from './mapping.js';
import * as requests from './requests.js';
import { analyticsHandlers } from './server-analytics.js';
import { exportHandlers } from './server-export.js';
import { memberHandlers } from './server-members.js';
import { readHandlers } from './server-read.js';
import {
  type AudienceServiceDeps,
  audienceIn,
  checkRule,
  checkSeed,
  prepareEventCounters,
  requireVersion,
  usersOf,
} from './service-deps.js';
import type { AudienceDocument } from './store/documents.js';

/**
 * gRPC handlers: validate → the space's queue (one writer decides) → store → map. Computing an
 * audience runs after the answer; its status shows the progress.
 */
export function audienceService(deps: AudienceServiceDeps): AudienceServiceServer {
  const { engine } = deps;
  const show = (doc: AudienceDocument) =>
    audienceToProto(
      engine.space(doc.spaceId).docs.get(doc._id) ?? doc,
      engine.space(doc.spaceId).live.get(doc._id)?.members.size ?? 0,
    );

  return {
    createAudience: unary(async (call, request) => {
      const { spec } = parseRequest(requests.createAudienceRequest, request);
      await prepareEventCounters(deps, call, spec.rule);
      const { doc, warnings } = await engine.inSpace(call.spaceId, async (state) => {
        const warnings = spec.rule ? checkRule(state, spec.key, spec.rule) : [];
        if (spec.lookalike) checkSeed(state, spec.key, spec.lookalike);
        const at = new Date(engine.now());
        const doc: AudienceDocument = {
          _id: `audience_${uuidv7()}`,
          spaceId: call.spaceId,
          key: spec.key,
          name: spec.name,
          description: spec.description,
          kind: spec.kind,
          ...membersFrom(spec),
          version: 1,
          size: 0,
          status: { state: 'building', progress: 0 },
          createdAt: at,
          updatedAt: at,
        };
        return { doc: await insertDefinition(engine, state, doc), warnings };
      });
      void queueRecompute(engine, call.spaceId, doc._id, call.cause, 'RECOMPUTE');
      return { audience: show(doc), warnings };
    }),

    getAudience: unary(async (call, request) => {
      const { audience } = parseRequest(requests.audienceRequest, request);
      return { audience: show(audienceIn(engine.space(call.spaceId), audience)) };
    }),

    listAudiences: unary(async (call, request) => {
      const { pageSize, pageToken, includeCampaignAudiences } = parseRequest(
        requests.listAudiencesRequest,
        request,
      );
      const after = pageToken ?? '';
      const all = [...engine.space(call.spaceId).docs.values()]
        .filter((doc) => includeCampaignAudiences || doc.kind !== 'campaign')
        .filter((doc) => doc._id > after)
        .sort((a, b) => a._id.localeCompare(b._id));
      const page = all.slice(0, pageSize);
      const more = all.length > pageSize;
      return { audiences: page.map(show), nextPageToken: more ? pageTokenAfter(page.at(-1)?._id) : '' };
    }),

    updateAudience: unary(async (call, request) => {
      const { audience, name, description, rule, expectedVersion } = parseRequest(
        requests.updateAudienceRequest,
        request,
      );
      await prepareEventCounters(deps, call, rule);
      const { doc, warnings } = await engine.inSpace(call.spaceId, async (state) => {
        const current = audienceIn(state, audience);
        requireVersion(current, expectedVersion);
        if (current.kind === 'campaign' || (current.kind !== 'dynamic' && rule))
          throw new FailedPrecondition<AudienceFailure>(
            'WRONG_AUDIENCE_KIND',
            current.kind === 'campaign'
              ? `Audience ${current.key} is a campaign's: it changes only with the campaign.`
              : current.kind === 'static'
                ? `Audience ${current.key} is static: change its members, not a rule.`
                : `Audience ${current.key} is a lookalike of ${current.lookalike?.seedKey}: it has no rule.`,
          );
        if (current.kind === 'dynamic' && !rule)
          throw new FailedPrecondition<AudienceFailure>(
            'WRONG_AUDIENCE_KIND',
            `Audience ${current.key} is dynamic: send its rule.`,
          );
        const warnings = rule ? checkRule(state, current.key, rule) : [];
        return {
          doc: await reviseDefinition(engine, state, current, { name, description, ...(rule && { rule }) }),
          warnings,
        };
      });
      void queueRecompute(engine, call.spaceId, doc._id, call.cause, 'RECOMPUTE');
      return { audience: show(doc), warnings };
    }),

    deleteAudience: unary(async (call, request) => {
      const { audience, expectedVersion } = parseRequest(requests.deleteAudienceRequest, request);
      await engine.inSpace(call.spaceId, async (state) => {
        const doc = audienceIn(state, audience);
        requireVersion(doc, expectedVersion);
        if (doc.kind === 'campaign')
          throw new FailedPrecondition<AudienceFailure>(
            'AUDIENCE_IN_USE',
            `Audience ${doc.key} is used by campaign ${doc.campaign?.campaignId}: it goes with the campaign.`,
          );
        const users = usersOf(state, doc);
        if (users.length > 0)
          throw new FailedPrecondition<AudienceFailure>(
            'AUDIENCE_IN_USE',
            `Audience ${doc.key} is used by audiences ${users.join(', ')}; change their rules first.`,
          );
        await engine.removeInQueue(state, doc, call.cause, { kind: 'AUDIENCE_DELETED' });
      });
      return {};
    }),

    recomputeAudience: unary(async (call, request) => {
      const { audience } = parseRequest(requests.audienceRequest, request);
      const doc = audienceIn(engine.space(call.spaceId), audience);
      await engine.inSpace(call.spaceId, (state) =>
        engine.recomputeInQueue(state, doc._id, call.cause, { kind: 'RECOMPUTE' }),
      );
      return { audience: show(doc) };
    }),

    listAudienceUses: unary(async (call, request) => {
      const { audience } = parseRequest(requests.audienceRequest, request);
      const state = engine.space(call.spaceId);
      const doc = audienceIn(state, audience);
      const users = usersOf(state, doc).map((audienceKey) => ({
        user: { $case: 'audienceKey' as const, value: audienceKey },
      }));
      const campaignId = doc.campaign?.campaignId;
      const campaign = campaignId ? [{ user: { $case: 'campaignId' as const, value: campaignId } }] : [];
      return { uses: [...campaign, ...users] };
    }),

    ...memberHandlers(deps),
    ...analyticsHandlers(deps),
    ...readHandlers(deps),
    ...exportHandlers(deps),
  };
}

/** What decides the members of a new audience: its rule, its seed, or a list (empty at first). */
function membersFrom(spec: {
  rule?: AudienceDocument['rule'];
  lookalike?: AudienceDocument['lookalike'];
}): Pick<AudienceDocument, 'rule' | 'lookalike' | 'entries'> {
  if (spec.rule) return { rule: spec.rule };
  return spec.lookalike ? { lookalike: spec.lookalike } : { entries: [] };
}
