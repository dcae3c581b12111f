import { protoFieldPath } from '@prism/errors';

/**
 * A path into a domain rule (a zod issue's, relative to the rule) as the proto field path API
 * callers know: groups hold their children in `rules`, fields are snake_case and an audience
 * condition's `key` is `audience_key`, e.g. `['all', 2, 'trait', 'value']` is
 * `all.rules[2].trait.value` and `['not', 'any', 0, 'event', 'where', 1, 'value']` is
 * `not.any.rules[0].event.where[1].value`.
 */
export function protoPathOf(path: readonly PropertyKey[]): string {
  return protoFieldPath(protoSegments(path));
}

/** Walks the path as the rule grammar does: a node kind first, then its child or its fields. */
function protoSegments(path: readonly PropertyKey[]): PropertyKey[] {
  const [kind, next, ...rest] = path;
  if ((kind === 'all' || kind === 'any') && typeof next === 'number')
    return [kind, 'rules', next, ...protoSegments(rest)];
  if (kind === 'not') return [kind, ...protoSegments(path.slice(1))];
  if (kind === 'audience' && next === 'key') return [kind, 'audienceKey', ...rest];
  // A condition's fields are named alike in both forms, up to the case protoFieldPath settles.
  return [...path];
}
