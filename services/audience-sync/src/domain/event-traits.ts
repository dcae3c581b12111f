import { createHash } from 'node:crypto';
import type { EventCondition, TraitCondition } from '@prism/rules';

/**
 * Event conditions ("did Order Completed where total > 50 at least 3 times in 30 days") are
 * kept by the profile service as computed traits: it backfills them from history, updates them
 * as events arrive and expires them as days pass. The audience reads the count from the trait.
 * The key is a hash of what is counted, so audiences counting the same thing share one trait.
 */
export function eventTraitKey(condition: EventCondition): string {
  const counted = { event: condition.event, where: condition.where, withinDays: condition.withinDays };
  return `aud_events_${createHash('sha256').update(JSON.stringify(counted)).digest('hex').slice(0, 16)}`;
}

/** What the profile service must count for a condition: its events by name, filter and window. */
export interface EventCounter {
  key: string;
  event: string;
  where: TraitCondition[];
  windowDays: number;
}

export const eventCounterOf = (condition: EventCondition): EventCounter => ({
  key: eventTraitKey(condition),
  event: condition.event,
  where: condition.where,
  windowDays: condition.withinDays,
});

/** A profile's count for a condition: its computed trait, 0 until the profile has one. */
export function countFromTraits(
  traits: Readonly<Record<string, unknown>>,
  condition: EventCondition,
): number {
  const value = traits[eventTraitKey(condition)];
  return typeof value === 'number' ? value : 0;
}
