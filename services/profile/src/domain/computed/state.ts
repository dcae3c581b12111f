import { type Json, valueAtPath } from '@prism/rules';
import { aggregators, type Bucket, byDay, canonicalJson } from './aggregators.js';
import { type ComputedTraitDefinition, matchesFilter, type TraitEvent } from './definition.js';

/**
 * What a profile keeps for one computed trait: plain JSON, stored inside the profile document.
 * A windowed definition keeps one bucket per UTC day that had accepted events, at most
 * `windowDays + 1` of them (today and the N days before); an all-time one a single bucket (day 0).
 * Absent (undefined) = nothing accepted, or everything expired.
 */
export interface ComputedTraitState {
  /** Ascending by day. */
  buckets: Bucket[];
}

/** States of one profile by trait key. */
export type ComputedStates = Readonly<Record<string, ComputedTraitState | undefined>>;

const DAY_MS = 86_400_000;
const dayOf = (time: number) => Math.floor(time / DAY_MS);

/** The earliest UTC day still in the window at `now`: events count for N to N+1 days. */
const firstDay = (definition: ComputedTraitDefinition, now: Date) =>
  dayOf(now.getTime()) - definition.windowDays;

/**
 * The bucket an event at `time` goes to, undefined if it is already out of the window. Events
 * dated after today (clock skew) go to today's bucket, which keeps the number of buckets bounded.
 */
function bucketDay(definition: ComputedTraitDefinition, time: number, now: Date): number | undefined {
  if (definition.windowDays === 0) return 0;
  const day = Math.min(dayOf(time), dayOf(now.getTime()));
  return day < firstDay(definition, now) ? undefined : day;
}

/**
 * Adds an event. Returns `state` itself (possibly undefined) when the event is ignored: not a
 * track/page/screen message, filtered out, older than the window, or without a usable value of
 * `property` (missing, null, non-numeric for numeric kinds, not a string/number/boolean for
 * `most_frequent`/`unique_*`, longer than `MAX_VALUE_LENGTH`). Drops expired buckets on the way.
 */
export function accumulate(
  state: ComputedTraitState | undefined,
  definition: ComputedTraitDefinition,
  event: TraitEvent,
  now: Date,
): ComputedTraitState | undefined {
  const time = event.timestamp.getTime();
  if (Number.isNaN(time) || !matchesFilter(definition.filter, event)) return state;
  const day = bucketDay(definition, time, now);
  if (day === undefined) return state;
  const buckets = state?.buckets ?? [];
  const held = buckets.find((bucket) => bucket.day === day);
  const bucket = held ?? { day, count: 0 };
  const value = definition.property ? valueAtPath(event.properties, definition.property) : undefined;
  const changes = aggregators[definition.kind].add(bucket, value, time);
  if (!changes) return state;
  const others = buckets.filter((other) => other !== held);
  const next = [...others, { ...bucket, ...changes, count: bucket.count + 1 }].sort(byDay);
  return expire({ buckets: next }, definition, now);
}

/** Drops buckets out of the window. Returns `state` itself when nothing expired. */
export function expire(
  state: ComputedTraitState | undefined,
  definition: ComputedTraitDefinition,
  now: Date,
): ComputedTraitState | undefined {
  if (!state || definition.windowDays === 0) return state;
  const from = firstDay(definition, now);
  const kept = state.buckets.filter((bucket) => bucket.day >= from);
  if (kept.length === state.buckets.length) return state;
  return kept.length > 0 ? { buckets: kept } : undefined;
}

/**
 * The trait value at `now`; undefined = the trait is absent. Like Segment, a counter is 0 when
 * no event counts (also for profiles that never had one); every other kind is then absent.
 */
export function traitValue(
  state: ComputedTraitState | undefined,
  definition: ComputedTraitDefinition,
  now: Date,
): Json | undefined {
  const buckets = expire(state, definition, now)?.buckets ?? [];
  if (buckets.length === 0) return definition.kind === 'event_counter' ? 0 : undefined;
  return aggregators[definition.kind].result(buckets);
}

/** The state a new definition starts from: its fold over the profile's stored events. */
export function backfill(
  definition: ComputedTraitDefinition,
  events: Iterable<TraitEvent>,
  now: Date,
): ComputedTraitState | undefined {
  let state: ComputedTraitState | undefined;
  for (const event of events) state = accumulate(state, definition, event, now);
  return state;
}

/** The profile's computed trait values at `now`, by key; absent traits are left out. */
export function computedValues(
  states: ComputedStates,
  definitions: readonly ComputedTraitDefinition[],
  now: Date,
): Record<string, Json> {
  const values: Record<string, Json> = {};
  for (const definition of definitions) {
    const value = traitValue(states[definition.key], definition, now);
    if (value !== undefined) values[definition.key] = value;
  }
  return values;
}

export interface TraitChange {
  key: string;
  /** The new value; undefined = the trait is now absent. */
  value: Json | undefined;
  previous: unknown;
}

/**
 * The traits whose value at `now` differs from the value last published (`published`, by key:
 * what the profile holds). Comparing against what was published rather than against an older
 * state is what catches expiry: a state valued at the same `now` shows no change by itself.
 * Values compare as canonical JSON, so key order in objects does not matter.
 */
export function changedValues(
  published: Readonly<Record<string, unknown>>,
  states: ComputedStates,
  definitions: readonly ComputedTraitDefinition[],
  now: Date,
): TraitChange[] {
  return definitions.flatMap((definition) => {
    const { key } = definition;
    const value = traitValue(states[key], definition, now);
    const previous = published[key];
    return canonicalJson(value) === canonicalJson(previous) ? [] : [{ key, value, previous }];
  });
}
