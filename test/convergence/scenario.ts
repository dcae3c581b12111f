import { AudienceApproach } from '@prism/proto/prism/strategy/v1/strategy';
import fc from 'fast-check';

/** Scenarios of the convergence test (docs/architecture.md §3): racing clicks, generations, restarts. */

export const CAMPAIGNS = 3;
export const STRATEGIES = 2;
export const PERSONAS_PER_STRATEGY = 3;

const {
  AUDIENCE_APPROACH_NONE: NONE,
  AUDIENCE_APPROACH_AI_SEGMENTS: AI,
  AUDIENCE_APPROACH_STRATEGY_PERSONAS: PERSONAS,
} = AudienceApproach;

export type Step =
  | { kind: 'approach'; campaign: number; approach: AudienceApproach; stale: number }
  | { kind: 'strategy'; campaign: number; strategy: number; stale: number }
  /** `strategy` null: personas of the strategy the client last saw on the campaign. */
  | { kind: 'select'; campaign: number; strategy: number | null; personas: number[]; stale: number }
  /** `segmentCount` 0: the service chooses 3–5. */
  | { kind: 'generate'; campaign: number; segmentCount: number; seed: number; stale: number };

export const FOLLOWERS = ['persona', 'segment-generation', 'audience-sync'] as const;
export type Follower = (typeof FOLLOWERS)[number];

/**
 * A graceful stop and start of a campaign follower on the same database and prefix, once the
 * group's events are consumed: a graceful stop while the campaign consumer has deliveries in
 * flight was seen (NATS 2.9.10) to leave one delivery unacked and undelivered until ack_wait
 * (10 s) brings it back — harmless, since it is then ignored as stale, but it would hold
 * convergence up beyond the wait's bound. `replay` stands in for that redelivery, and more: the
 * follower's durables of campaign history are deleted (audience-sync's: campaigns, persona
 * selections, generated segments, personas), so all of it comes again, racing the next clicks.
 */
export interface Restart {
  service: Follower;
  replay: boolean;
}

export interface Group {
  /** Issued concurrently. */
  steps: Step[];
  restartAfter: Restart | null;
}

/** Where a campaign stands before the races: a strategy, an approach and its personas or segments. */
export interface Start {
  strategy: number | null;
  approach: AudienceApproach;
  personas: number[];
}

export interface Scenario {
  starts: Start[];
  groups: Group[];
}

const campaignArb = fc.nat({ max: CAMPAIGNS - 1 });
const strategyArb = fc.nat({ max: STRATEGIES - 1 });
/** Weighted towards personas and AI segments, so that there are selections and segments to clear. */
const approachArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant(NONE) },
  { weight: 3, arbitrary: fc.constant(AI) },
  { weight: 3, arbitrary: fc.constant(PERSONAS) },
);
const personasArb = fc.shuffledSubarray([0, 1, 2], { minLength: 1, maxLength: PERSONAS_PER_STRATEGY });
/** Usually the epoch the client last read; sometimes one or two behind on purpose. */
const staleArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) },
);

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('approach' as const),
      campaign: campaignArb,
      approach: approachArb,
      stale: staleArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('strategy' as const),
      campaign: campaignArb,
      strategy: strategyArb,
      stale: staleArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('select' as const),
      campaign: campaignArb,
      strategy: fc.option(strategyArb, { freq: 4 }),
      personas: personasArb,
      stale: staleArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('generate' as const),
      campaign: campaignArb,
      segmentCount: fc.constantFrom(0, 2, 3),
      seed: fc.nat({ max: 1_000 }),
      stale: staleArb,
    }),
  },
);

const groupArb: fc.Arbitrary<Group> = fc.record({
  steps: fc.array(stepArb, { minLength: 2, maxLength: 3 }),
  restartAfter: fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.record({ service: fc.constantFrom(...FOLLOWERS), replay: fc.boolean() }) },
  ),
});

const startArb: fc.Arbitrary<Start> = fc
  .record({ strategy: fc.option(strategyArb, { freq: 5 }), approach: approachArb, personas: personasArb })
  .map((start) => (start.strategy === null ? { ...start, approach: NONE } : start));

export const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  starts: fc.array(startArb, { minLength: CAMPAIGNS, maxLength: CAMPAIGNS }),
  // 3–5 groups of 2–3 racing steps: 6–15 steps per sequence.
  groups: fc.array(groupArb, { minLength: 3, maxLength: 5 }),
});
