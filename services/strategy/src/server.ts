import { FailedPrecondition, type StrategyFailure } from '@prism/errors';
import { type CallContext, pageTokenAfter, parseRequest, unary } from '@prism/grpc';
import type { StrategyServiceServer } from '@prism/proto/prism/strategy/v1/strategy';
import { v7 as uuidv7 } from 'uuid';
import { currentSelection } from './domain/audience-selection.js';
import { type CampaignChange, type StrategyFacts, selectStrategy, setApproach } from './domain/campaign.js';
import {
  campaignChangeEvents,
  campaignCreated,
  campaignDeleted,
  strategyChanged,
  strategyDeleted,
} from './events/strategy-events.js';
import { campaignToProto, strategyToProto } from './mapping.js';
import * as requests from './requests.js';
import type { CampaignDocument, StrategyDocument } from './store/documents.js';
import type { StrategyRepositories } from './store/repositories.js';

export interface StrategyServiceDeps {
  repos: StrategyRepositories;
  clock?: () => Date;
}

/** gRPC handlers: validate → load → domain rule → one document write (state + events). */
export function strategyService(deps: StrategyServiceDeps): StrategyServiceServer {
  const { strategies, campaigns, personas } = deps.repos;
  const now = deps.clock ?? (() => new Date());

  async function strategyFacts(spaceId: string, strategyId?: string): Promise<StrategyFacts | undefined> {
    if (!strategyId) return undefined;
    return { personaCount: await personas.countOf(spaceId, strategyId) };
  }

  async function presentStrategy(spaceId: string, doc: StrategyDocument) {
    return strategyToProto(doc, await personas.countOf(spaceId, doc._id));
  }

  /** A campaign as frontends see it: its approaches offered from a persona count at most a second old. */
  async function presentCampaign(spaceId: string, doc: CampaignDocument) {
    const offered = doc.strategyId && { personaCount: await personas.recentCountOf(spaceId, doc.strategyId) };
    return campaignToProto(doc, offered || undefined);
  }

  /**
   * A campaign command: `decide` runs on the current campaign (once, or twice when this process's
   * copy was stale) and its change is written with its events in one conditional write.
   */
  function changeCampaign(
    call: CallContext,
    campaignId: string,
    decide: (campaign: CampaignDocument) => Promise<CampaignChange> | CampaignChange,
  ): Promise<CampaignDocument> {
    return campaigns.change(call.spaceId, campaignId, async (doc) => {
      const change = await decide(doc);
      if (change.events.length === 0) return undefined;
      const { strategyId, approach, epoch } = change.state;
      return {
        set: { strategyId, approach, epoch, updatedAt: now() },
        events: campaignChangeEvents(call.cause, doc._id, strategyId, change.events),
      };
    });
  }

  return {
    createStrategy: unary(async (call, request) => {
      const { spec } = parseRequest(requests.createStrategyRequest, request);
      const at = now();
      const doc = { _id: `strat_${uuidv7()}`, ...spec, createdAt: at, updatedAt: at };
      const created = await strategies.insert(call.spaceId, doc, [
        strategyChanged(call.cause, 'strategy.created', { ...doc, version: 1 }),
      ]);
      return { strategy: strategyToProto(created, 0) };
    }),

    getStrategy: unary(async (call, request) => {
      const { strategyId } = parseRequest(requests.getStrategyRequest, request);
      return {
        strategy: await presentStrategy(call.spaceId, await strategies.get(call.spaceId, strategyId)),
      };
    }),

    listStrategies: unary(async (call, request) => {
      const { pageSize, pageToken } = parseRequest(requests.listStrategiesRequest, request);
      const page = await strategies.list(call.spaceId, {}, pageSize, pageToken);
      return {
        strategies: page.items.map(strategyToProto),
        nextPageToken: pageTokenAfter(page.nextAfter),
      };
    }),

    updateStrategy: unary(async (call, request) => {
      const { strategyId, spec, expectedVersion } = parseRequest(requests.updateStrategyRequest, request);
      const current = await strategies.get(call.spaceId, strategyId);
      const version = expectedVersion || current.version;
      const event = strategyChanged(call.cause, 'strategy.updated', {
        _id: strategyId,
        ...spec,
        version: version + 1,
      });
      const updated = await strategies.update(
        call.spaceId,
        strategyId,
        version,
        { ...spec, updatedAt: now() },
        [event],
      );
      return { strategy: await presentStrategy(call.spaceId, updated) };
    }),

    deleteStrategy: unary(async (call, request) => {
      const { strategyId, expectedVersion } = parseRequest(requests.deleteStrategyRequest, request);
      const current = await strategies.get(call.spaceId, strategyId);
      const users = await campaigns.count(call.spaceId, { strategyId });
      if (users > 0) {
        throw new FailedPrecondition<StrategyFailure>(
          'STRATEGY_IN_USE',
          `This strategy is used by ${users} campaign(s); select another strategy for them first.`,
        );
      }
      const version = expectedVersion || current.version;
      await strategies.remove(call.spaceId, strategyId, version, [
        strategyDeleted(call.cause, strategyId, version + 1),
      ]);
      return {};
    }),

    createCampaign: unary(async (call, request) => {
      const { name } = parseRequest(requests.createCampaignRequest, request);
      const at = now();
      const doc = {
        _id: `cmp_${uuidv7()}`,
        name,
        approach: 'NONE' as const,
        epoch: 1,
        createdAt: at,
        updatedAt: at,
      };
      const created = await campaigns.insert(call.spaceId, doc, [campaignCreated(call.cause, doc)]);
      return { campaign: await presentCampaign(call.spaceId, created) };
    }),

    getCampaign: unary(async (call, request) => {
      const { campaignId } = parseRequest(requests.getCampaignRequest, request);
      return { campaign: await presentCampaign(call.spaceId, await campaigns.get(call.spaceId, campaignId)) };
    }),

    // Here rather than in the persona or segment service: the approach and epoch that decide
    // which part counts are this service's own, and one projection of both parts' events
    // answers step 3 without fanning out to two services on every wizard render.
    getCampaignAudienceSelection: unary(async (call, request) => {
      const { campaignId } = parseRequest(requests.getCampaignAudienceSelectionRequest, request);
      const doc = await campaigns.get(call.spaceId, campaignId);
      const selection = await deps.repos.selections.of(call.spaceId, campaignId);
      const shown = currentSelection(selection, { approach: doc.approach, epoch: doc.epoch });
      return { campaign: await presentCampaign(call.spaceId, doc), ...shown };
    }),

    listCampaigns: unary(async (call, request) => {
      const { pageSize, pageToken, strategyId } = parseRequest(requests.listCampaignsRequest, request);
      const filter = strategyId ? { strategyId } : {};
      const page = await campaigns.list(call.spaceId, filter, pageSize, pageToken);
      return {
        campaigns: await Promise.all(page.items.map((doc) => presentCampaign(call.spaceId, doc))),
        nextPageToken: pageTokenAfter(page.nextAfter),
      };
    }),

    renameCampaign: unary(async (call, request) => {
      const { campaignId, name, expectedVersion } = parseRequest(requests.renameCampaignRequest, request);
      const current = await campaigns.get(call.spaceId, campaignId);
      const updated = await campaigns.update(
        call.spaceId,
        campaignId,
        expectedVersion || current.version,
        { name, updatedAt: now() },
        [],
      );
      return { campaign: await presentCampaign(call.spaceId, updated) };
    }),

    deleteCampaign: unary(async (call, request) => {
      const { campaignId, expectedVersion } = parseRequest(requests.deleteCampaignRequest, request);
      const current = await campaigns.get(call.spaceId, campaignId);
      await campaigns.remove(call.spaceId, campaignId, expectedVersion || current.version, [
        campaignDeleted(call.cause, campaignId, current.epoch),
      ]);
      return {};
    }),

    selectStrategy: unary(async (call, request) => {
      const { campaignId, strategyId, expectedEpoch } = parseRequest(requests.selectStrategyRequest, request);
      await strategies.get(call.spaceId, strategyId);
      const updated = await changeCampaign(call, campaignId, (campaign) =>
        selectStrategy(campaign, strategyId, expectedEpoch),
      );
      return { campaign: await presentCampaign(call.spaceId, updated) };
    }),

    setAudienceApproach: unary(async (call, request) => {
      const { campaignId, approach, expectedEpoch } = parseRequest(
        requests.setAudienceApproachRequest,
        request,
      );
      const updated = await changeCampaign(call, campaignId, async (campaign) =>
        // Only a switch to personas depends on the strategy's facts: the others are decided at once.
        setApproach(
          campaign,
          approach,
          expectedEpoch,
          approach === 'STRATEGY_PERSONAS'
            ? await strategyFacts(call.spaceId, campaign.strategyId)
            : undefined,
        ),
      );
      return { campaign: await presentCampaign(call.spaceId, updated) };
    }),
  };
}
