import type { Rule } from '@prism/rules';
import type { AudienceProfile } from '../model.js';
import { DERIVED_TRAITS, type DerivedTrait, onSource, unitsSince } from './derived.js';
import { type Traits, traitsByPath } from './paths.js';

/** The profiles as the generator reads them, and the way back to the data's own traits. */
export interface ProfileView {
  /** Traits by path, with the derived numbers in place of their dates. */
  profiles: AudienceProfile[];
  /** The derived traits this data uses. */
  derived: readonly DerivedTrait[];
  /** A rule on the view as the same rule on the profiles' own traits (a derived number as its date). */
  onData(rule: Rule): Rule;
}

/**
 * Reads every profile by path (`traitsByPath`) and derives numbers from dates where the data
 * has the date but not the number: an age from `birthday` when no profile has an `age`, a
 * tenure from `createdAt`. The date itself leaves the view (a date is identifier-like; the
 * number says what it means). Ages count to `now`'s UTC date.
 */
export function viewProfiles(profiles: readonly AudienceProfile[], now: Date): ProfileView {
  const byPath = profiles.map(({ profileId, traits }) => ({ profileId, traits: traitsByPath(traits) }));
  const derived = DERIVED_TRAITS.filter((trait) => derivable(byPath, trait, now));
  const bySource = new Map(derived.map((trait) => [trait.source, trait]));
  const onData = (rule: Rule): Rule => {
    if ('all' in rule) return { all: rule.all.map(onData) };
    if ('any' in rule) return { any: rule.any.map(onData) };
    if ('not' in rule) return { not: onData(rule.not) };
    if (!('trait' in rule)) return rule;
    const trait = derived.find(({ key }) => key === rule.trait.key);
    return trait ? onSource(trait, rule.trait, now) : rule;
  };
  if (derived.length === 0) return { profiles: byPath, derived, onData: (rule) => rule };
  return {
    profiles: byPath.map(({ profileId, traits }) => ({
      profileId,
      traits: withDerived(traits, bySource, now),
    })),
    derived,
    onData,
  };
}

/** Some profile holds the date and none already holds the number. */
function derivable(profiles: readonly AudienceProfile[], trait: DerivedTrait, now: Date): boolean {
  let dated = false;
  for (const { traits } of profiles) {
    if (traits[trait.key] !== undefined && traits[trait.key] !== null) return false;
    dated ||= unitsSince(trait, traits[trait.source], now) !== undefined;
  }
  return dated;
}

function withDerived(traits: Traits, bySource: ReadonlyMap<string, DerivedTrait>, now: Date): Traits {
  const view: Record<string, unknown> = {};
  for (const key in traits) {
    const trait = bySource.get(key);
    if (trait === undefined) {
      view[key] = traits[key];
      continue;
    }
    const units = unitsSince(trait, traits[key], now);
    if (units !== undefined) view[trait.key] = units;
  }
  return view;
}
