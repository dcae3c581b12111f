import { eventTraitKey } from '@prism/audience-sync/domain/event-traits.js';
import { compareCount, type Rule, type TraitCondition } from '@prism/rules';

export type MongoQuery = Record<string, unknown>;

const COMPARISONS = {
  equals: '$eq',
  not_equals: '$ne',
  greater_than: '$gt',
  greater_or_equal: '$gte',
  less_than: '$lt',
  less_or_equal: '$lte',
} as const;

/** Matches every document: an empty `all` (`$and` and `$or` refuse empty lists). */
const EVERY: MongoQuery = {};

/**
 * A rule as the Mongo query one would write over profiles stored as documents: the per-object
 * peer of the index (mingo evaluates it). It agrees with `matchesRule` on profiles whose traits
 * have the types of the rule's values, as the population's do: equality and orderings on scalar
 * traits, `contains` and `in` on list traits. Beyond that the two differ: Mongo compares by BSON
 * type where the rules also order numeric strings and dates, and `contains` here is a list's
 * (an item equals the value) where the rules also find a substring in a string.
 */
export function mongoQueryOf(rule: Rule): MongoQuery {
  if ('all' in rule) return rule.all.length > 0 ? { $and: rule.all.map(mongoQueryOf) } : EVERY;
  if ('any' in rule) return rule.any.length > 0 ? { $or: rule.any.map(mongoQueryOf) } : { $nor: [EVERY] };
  if ('not' in rule) return { $nor: [mongoQueryOf(rule.not)] };
  if ('trait' in rule) return traitQuery(rule.trait);
  if ('event' in rule) {
    const { countOperator, count } = rule.event;
    const key = eventTraitKey(rule.event);
    const counted = { [key]: { [COMPARISONS[countOperator]]: count } };
    // The computed trait has no value before the first event: a count of 0.
    return compareCount(0, countOperator, count)
      ? { $or: [{ [key]: { $exists: false } }, counted] }
      : counted;
  }
  throw new Error(`the audience condition on "${rule.audience.key}" reads memberships, not documents`);
}

function traitQuery({ key, operator, value }: TraitCondition): MongoQuery {
  switch (operator) {
    case 'in':
      return { [key]: { $in: value } };
    case 'contains':
      return { [key]: { $elemMatch: { $eq: value } } };
    case 'exists':
      return { [key]: { $exists: value ?? true } };
    default:
      return { [key]: { [COMPARISONS[operator]]: value } };
  }
}
