import { NotFound } from '@prism/errors';
import { parseRequest, unary } from '@prism/grpc';
import type {
  AudienceServiceServer,
  ExplainedNode as ProtoExplained,
  RuleNodeCount,
} from '@prism/proto/prism/audience/v1/audience';
import { describeRule, eventConditionsOf, type Rule, ruleToProto } from '@prism/rules';
import { eventTraitKey } from './domain/event-traits.js';
import { personaRule } from './domain/persona-rule.js';
import { identifierToken } from './domain/profile-mirror.js';
import { traitsNamedBy } from './events/audience-events.js';
import { evaluateRule, evaluateTree } from './index/bulk-evaluator.js';
import {
  type CountedNode,
  countedTree,
  decidingConditions,
  type ExplainedNode,
  explainRule,
} from './index/explain.js';
import type { RoaringBitmap32 } from './index/trait-column.js';
import type { SpaceState } from './live/space-state.js';
import * as requests from './requests.js';
import { type AudienceServiceDeps, audienceIn, checkRule } from './service-deps.js';

type ReadHandlers = Pick<
  AudienceServiceServer,
  'previewAudience' | 'explainMembership' | 'getAudienceOverlap' | 'countPersonaProfiles'
>;

/** A key no audience can have: a preview names no audience of its own, so it closes no cycle. */
const PREVIEW_KEY = '_preview';

/**
 * The read side over the space's in-memory index: previews of unsaved rules, explanations and
 * overlaps. Nothing waits for the space's queue: evaluation is synchronous, so it reads the
 * index as the last applied change left it.
 */
export function readHandlers({ engine }: AudienceServiceDeps): ReadHandlers {
  return {
    previewAudience: unary(async (call, request) => {
      const { rule, sampleSize } = parseRequest(requests.previewAudienceRequest, request);
      const state = engine.space(call.spaceId);
      const warnings = [...checkRule(state, PREVIEW_KEY, rule), ...uncountedEvents(state, rule)];
      const started = process.hrtime.bigint();
      const tree = evaluateTree(rule, state.index, state.audienceRows);
      const elapsed = Number(process.hrtime.bigint() - started);
      const sample = [...state.index.idsOf(firstRows(tree.rows, sampleSize))].map((profileId) => {
        const profile = state.mirror.get(profileId);
        return { profileId, identifiers: profile?.identifiers ?? [], traits: traitsNamedBy(rule, profile) };
      });
      return {
        count: tree.rows.size,
        population: state.index.size,
        tree: countsToProto(countedTree(tree)),
        sample,
        elapsed: { seconds: Math.floor(elapsed / 1e9), nanos: elapsed % 1e9 },
        warnings,
      };
    }),

    explainMembership: unary(async (call, request) => {
      const { audience, profile } = parseRequest(requests.explainMembershipRequest, request);
      const state = engine.space(call.spaceId);
      const doc = audienceIn(state, audience);
      const profileId = state.mirror.resolve(profile);
      const view = profileId === undefined ? undefined : state.mirror.get(profileId);
      const row = profileId === undefined ? undefined : state.index.rowOf(profileId);
      if (!view || row === undefined) throw new NotFound('profile', profile);
      const enteredAt = state.live.get(doc._id)?.members.get(view.id);
      const member = enteredAt !== undefined;
      const verdict = member ? 'in' : 'out';
      const enterTime = member ? new Date(enteredAt) : undefined;
      if (!doc.rule) {
        const tokens = new Set([view.id, ...view.identifiers.map(identifierToken)]);
        const listed = doc.entries?.find((entry) => tokens.has(entry));
        const summary = listed ? `${verdict}: listed as ${listed}` : `${verdict}: not on the list`;
        return { profileId: view.id, member, summary, enterTime };
      }
      const isMember = (key: string) => state.isMember(key, view.id);
      const explained = explainRule(doc.rule, state.index, { row, traits: view.traits, isMember });
      const settling = explained.result !== member ? ' (the change is being applied)' : '';
      return {
        profileId: view.id,
        member,
        rule: explainedToProto(explained),
        summary: `${verdict}: ${decidingConditions(explained).join('; ')}${settling}`,
        enterTime,
      };
    }),

    getAudienceOverlap: unary(async (call, request) => {
      const { audience, other } = parseRequest(requests.audienceOverlapRequest, request);
      const state = engine.space(call.spaceId);
      const first = state.index.members(audienceIn(state, audience)._id);
      const second = state.index.members(audienceIn(state, other)._id);
      const both = first.andCardinality(second);
      return {
        both,
        onlyAudience: first.size - both,
        onlyOther: second.size - both,
        audienceSize: first.size,
        otherSize: second.size,
      };
    }),

    countPersonaProfiles: unary(async (call, request) => {
      const { personaIds } = parseRequest(requests.countPersonaProfilesRequest, request);
      const { campaigns } = engine.deps.repos;
      const [known, mapping] = await Promise.all([
        campaigns.personasOf(call.spaceId, personaIds),
        campaigns.traitMapping(call.spaceId),
      ]);
      const state = engine.space(call.spaceId);
      const byId = new Map(known.map((persona) => [persona._id, persona]));
      return {
        personas: personaIds.map((personaId) => {
          const persona = byId.get(personaId);
          if (!persona) return { personaId, known: false, profiles: 0, ruleDescription: '' };
          const rule = personaRule(persona.demographics, mapping);
          const profiles = evaluateRule(rule, state.index, state.audienceRows).size;
          return {
            personaId,
            known: true,
            profiles,
            rule: ruleToProto(rule),
            ruleDescription: describeRule(rule),
          };
        }),
        population: state.index.size,
      };
    }),
  };
}

/** The first rows of a result, without materialising all of it. */
function firstRows(rows: InstanceType<typeof RoaringBitmap32>, count: number): number[] {
  const first: number[] = [];
  for (const row of rows) {
    if (first.length >= count) break;
    first.push(row);
  }
  return first;
}

/** Event conditions no profile has a count for yet: the preview counts them as 0. */
function uncountedEvents(state: SpaceState, rule: Rule): string[] {
  return eventConditionsOf(rule)
    .filter((condition) => !state.index.column(eventTraitKey(condition)))
    .map(
      (condition) =>
        `events "${condition.event}" are not counted in this space yet (counted as 0): saving an audience with this condition makes the profile service count them from history`,
    );
}

const countsToProto = (node: CountedNode): RuleNodeCount => ({
  ...node,
  children: node.children.map(countsToProto),
});

const explainedToProto = (node: ExplainedNode): ProtoExplained => ({
  path: node.path,
  description: node.description,
  result: node.result,
  actual: node.actual,
  children: node.children.map(explainedToProto),
});
