import type { EventCondition } from '@prism/rules';
import { eventTraitKey } from '../domain/event-traits.js';

const paths = new WeakMap<EventCondition, string>();

/**
 * The trait path of the computed trait counting a condition's events (`eventTraitKey`), hashed
 * once per condition: a SHA-256 costs microseconds, and a profile's change reads it for every
 * live audience counting events.
 */
export function countPathOf(condition: EventCondition): string {
  let path = paths.get(condition);
  if (path === undefined) {
    path = eventTraitKey(condition);
    paths.set(condition, path);
  }
  return path;
}
