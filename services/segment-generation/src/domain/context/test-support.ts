import type { Rule } from '@prism/rules';
import { plantedAudience } from '../../testing/planted.js';
import { contextVocabulary, quantile } from './vocabulary.js';

/** The planted population of the context tests and its vocabulary, dated 2026 for the generations. */
export const { profiles } = plantedAudience({ seed: 7, size: 3000 });
export const vocabulary = contextVocabulary(profiles, { now: new Date('2026-11-01T00:00:00Z') });

export const trait = (key: string, operator: string, value: unknown): Rule =>
  ({ trait: { key, operator, value } }) as Rule;

/** A numeric trait's quartile as the interpreter computes it, recomputed from the profiles. */
export function quartileOf(key: string, q: 0.25 | 0.75): number {
  const values = profiles.flatMap(({ traits }) => (typeof traits[key] === 'number' ? [traits[key]] : []));
  return quantile(Float64Array.from(values).sort(), q);
}
