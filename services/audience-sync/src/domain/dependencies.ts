import { audienceKeysOf } from '@prism/rules';
import type { AudienceDefinition } from './audience.js';

/** What an audience's members depend on: the audiences its rule names, or a lookalike's seed. */
type Uses = Pick<AudienceDefinition, 'rule' | 'lookalike'>;

/** The audiences a definition's rule names (or a lookalike's seed), by key. */
export const dependenciesOf = (audience: Uses): string[] => {
  if (audience.lookalike) return [audience.lookalike.seedKey];
  return audience.rule ? audienceKeysOf(audience.rule) : [];
};

/**
 * The order to evaluate a space's audiences in: every audience after those its rule names, so
 * "member of X" reads X's membership as this pass leaves it. Audiences naming a missing key
 * still get a place (the missing one matches nobody).
 */
export function evaluationOrder<A extends Uses & Pick<AudienceDefinition, 'key'>>(
  audiences: readonly A[],
): A[] {
  const byKey = new Map(audiences.map((audience) => [audience.key, audience]));
  const placed = new Set<string>();
  const order: A[] = [];
  const visit = (audience: A, path: Set<string>): void => {
    if (placed.has(audience.key) || path.has(audience.key)) return;
    path.add(audience.key);
    for (const key of dependenciesOf(audience)) {
      const dependency = byKey.get(key);
      if (dependency) visit(dependency, path);
    }
    placed.add(audience.key);
    order.push(audience);
  };
  for (const audience of audiences) visit(audience, new Set());
  return order;
}

/**
 * The cycle a rule (or seed) for `key` would close, as the keys along it (`a → b → a`), or
 * undefined. Unknown keys are not followed: they are reported separately.
 */
export function cycleThrough(
  audiences: readonly (Uses & Pick<AudienceDefinition, 'key'>)[],
  key: string,
  uses: Uses,
): string[] | undefined {
  const byKey = new Map(audiences.map((audience) => [audience.key, audience]));
  // Each audience is searched once: one searched without finding `key` cannot lead to it by another path.
  const searched = new Set<string>();
  const search = (current: string, path: string[]): string[] | undefined => {
    const names = current === key ? dependenciesOf(uses) : dependenciesOf(byKey.get(current) ?? {});
    for (const next of names) {
      if (next === key) return [...path, next];
      if (searched.has(next) || !byKey.has(next)) continue;
      searched.add(next);
      const found = search(next, [...path, next]);
      if (found) return found;
    }
    return undefined;
  };
  return search(key, [key]);
}

/** Keys of the audiences whose rules name `key` (or that are its lookalikes). */
export const dependentsOf = (
  audiences: readonly (Uses & Pick<AudienceDefinition, 'key'>)[],
  key: string,
): string[] =>
  audiences.filter((audience) => dependenciesOf(audience).includes(key)).map((audience) => audience.key);
