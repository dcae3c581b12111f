import { eventTraitKey } from '@prism/audience-sync/domain/event-traits.js';
import { generatePopulation, messagesOf, type Person, Random } from '@prism/population';
import { type EventCondition, type Rule, type RuleOperator, ruleFromProto } from '@prism/rules';
import { benchAudienceSpecs } from './audiences-rules.js';

/**
 * The seeded population of the index benchmark. Two weeks of history: enough for a real count
 * of orders (four people in ten have one), while drawing a person stays about 55 µs (90 days
 * takes three times as long, most of it drawing events the benchmark does not keep).
 */
export const INDEX_POPULATION = { seed: 42, now: new Date('2026-12-01T00:00:00Z'), historyDays: 14 };

/** "Has completed an order": the event condition whose count the profile service keeps. */
export const HAS_ORDERED: EventCondition = {
  event: 'Order Completed',
  where: [],
  countOperator: 'greater_or_equal',
  count: 1,
  withinDays: 0,
};

/** The computed trait of every event condition on orders of the bench (the key ignores the count). */
export const ORDERS_TRAIT = eventTraitKey(HAS_ORDERED);

/** A profile as audience-sync mirrors it: custom and computed traits in one object. */
export interface IndexedProfile {
  id: string;
  traits: Record<string, unknown>;
}

/**
 * A person as the profile service holds them: the traits of their identify message and, once
 * they have ordered, the count of their Order Completed events (a computed trait has no value
 * before its first event). Only the sign-in goes through `messagesOf`: the identify comes with
 * it, and making the messages of the whole history would cost more than drawing it. The traits
 * come through JSON, as audience-sync's mirror gets them (profile events, the export): flat
 * strings, not the generator's concatenations, which the index would flatten while timed.
 */
export function profileOf(person: Person): IndexedProfile {
  const signIn = person.events.find((event) => event.name === 'Signed In');
  const messages = messagesOf({ ...person, events: signIn ? [signIn] : [] }, INDEX_POPULATION);
  const traits = { ...messages.find((message) => message.type === 'identify')?.traits };
  const orders = person.events.filter((event) => event.name === 'Order Completed').length;
  if (orders > 0) traits[ORDERS_TRAIT] = orders;
  return { id: person.id, traits: JSON.parse(JSON.stringify(traits)) };
}

/** The first `size` profiles of the population, and how long making them took. */
export function generateProfiles(size: number): { profiles: IndexedProfile[]; generationMs: number } {
  const started = performance.now();
  const profiles: IndexedProfile[] = [];
  for (const person of generatePopulation({ ...INDEX_POPULATION, size })) profiles.push(profileOf(person));
  return { profiles, generationMs: performance.now() - started };
}

export const trait = (key: string, operator: RuleOperator, value: unknown): Rule =>
  ({ trait: { key, operator, value } }) as Rule;

/**
 * The counted audience, ten conditions as a marketer writes them: working-age shoppers of the
 * main markets, into the outdoors (or valuing health), who have ordered, but neither students
 * nor on the lowest income band: about 9 % of the profiles.
 */
export const COUNTED_RULE: Rule = {
  all: [
    trait('age', 'greater_or_equal', 25),
    trait('age', 'less_than', 55),
    trait('country', 'in', ['DE', 'FR', 'GB', 'NL', 'ES', 'IT', 'US', 'CA', 'IE', 'SE', 'AU']),
    {
      any: [
        trait('interests', 'contains', 'running'),
        trait('interests', 'contains', 'cycling'),
        trait('interests', 'contains', 'hiking'),
        trait('values', 'contains', 'health'),
      ],
    },
    { event: HAS_ORDERED },
    { not: { any: [trait('incomeBand', 'equals', '<25k'), trait('occupation', 'equals', 'student')] } },
  ],
};

export interface LiveAudience {
  key: string;
  rule: Rule;
}

/**
 * `count` live audiences over the same traits: the enter-latency benchmark's rule templates with
 * their seeded values (its probe audience aside), every fifth of them also asking for 1 to 3
 * orders.
 */
export function liveAudiences(count: number): LiveAudience[] {
  const random = new Random(7);
  return benchAudienceSpecs(count + 1)
    .slice(1)
    .map((spec, at) => {
      const rule = ruleFromProto(spec.rule ?? {}, `audiences[${at}].rule`);
      const ordered: Rule = { event: { ...HAS_ORDERED, count: random.int(1, 3) } };
      return { key: spec.key, rule: at % 5 === 4 ? { all: [rule, ordered] } : rule };
    });
}
