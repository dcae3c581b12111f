import { Random } from '@prism/population';
import { evaluateRule } from '../../services/audience-sync/src/index/bulk-evaluator.js';
import type { ProfileIndex } from '../../services/audience-sync/src/index/profile-index.js';
import { matchesRow } from '../../services/audience-sync/src/index/row-evaluator.js';
import { type IndexedProfile, type LiveAudience, ORDERS_TRAIT } from './audience-index-data.js';
import { summarize } from './stats.js';

type Traits = IndexedProfile['traits'];

/**
 * What one change of a profile's traits is, drawn in equal shares: an order (its computed count
 * goes up), a birthday, a new interest, a move, a new income band. Values are another profile's,
 * so they are the population's own.
 */
const CHANGES: ((traits: Traits, other: Traits) => Traits)[] = [
  (traits) => ({ ...traits, [ORDERS_TRAIT]: ((traits[ORDERS_TRAIT] as number | undefined) ?? 0) + 1 }),
  (traits, other) => ({ ...traits, age: typeof traits.age === 'number' ? traits.age + 1 : other.age }),
  (traits, other) => {
    const interests = (traits.interests as string[] | undefined) ?? [];
    const added = (other.interests as string[] | undefined)?.[0];
    return { ...traits, interests: [...new Set([...interests, ...(added ? [added] : [])])] };
  },
  (traits, { country, region, city, climateZone }) => ({ ...traits, country, region, city, climateZone }),
  (traits, other) => ({ ...traits, incomeBand: other.incomeBand }),
];

/** Each audience's members, evaluated over the whole index (the state live evaluation starts from). */
export function evaluateAudiences(index: ProfileIndex, audiences: readonly LiveAudience[]) {
  const started = performance.now();
  for (const { key, rule } of audiences) {
    const members = index.members(key);
    members.clear();
    members.orInPlace(evaluateRule(rule, index, (audience) => index.members(audience)));
  }
  return performance.now() - started;
}

/**
 * `changes` single-profile changes as the live path handles them: the changed profile's row is
 * upserted into the index, then every audience is decided for that row alone (`matchesRow`) and
 * its membership updated when it flips. Each change is timed whole.
 */
export function timeSingleChanges(
  index: ProfileIndex,
  profiles: IndexedProfile[],
  audiences: readonly LiveAudience[],
  changes: number,
) {
  const random = new Random(99);
  const samplesMs = new Float64Array(changes);
  // CPU time beside wall time: on shared cores a change may wait for a core (wall > CPU).
  const cpuMs = new Float64Array(changes);
  let flips = 0;
  for (let change = 0; change < changes; change++) {
    const at = random.int(0, profiles.length - 1);
    const { id, traits } = profiles[at] as IndexedProfile;
    const other = (profiles[random.int(0, profiles.length - 1)] as IndexedProfile).traits;
    const changed = (random.pick(CHANGES) as (typeof CHANGES)[number])(traits, other);
    profiles[at] = { id, traits: changed };
    const cpu = process.cpuUsage();
    const started = performance.now();
    const row = index.upsert(id, changed);
    const isMember = (key: string) => index.members(key).has(row);
    for (const { key, rule } of audiences) {
      const member = matchesRow(rule, index, row, isMember);
      if (member === isMember(key)) continue;
      index.setMember(key, id, member);
      flips++;
    }
    samplesMs[change] = performance.now() - started;
    const { user, system } = process.cpuUsage(cpu);
    cpuMs[change] = (user + system) / 1000;
  }
  return { ...summarize([...samplesMs]), cpu: summarize([...cpuMs]), flips };
}

/** Whether the memberships kept change by change are what evaluating the whole index gives now. */
export function checkAgainstBulk(index: ProfileIndex, audiences: readonly LiveAudience[]): void {
  for (const { key, rule } of audiences) {
    const bulk = evaluateRule(rule, index, (audience) => index.members(audience));
    if (!bulk.isEqual(index.members(key)))
      throw new Error(
        `audience ${key}: ${index.members(key).size} members kept change by change, ${bulk.size} by a bulk evaluation`,
      );
  }
}
