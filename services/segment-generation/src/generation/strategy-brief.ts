import type { Strategy } from '@prism/proto/prism/strategy/v1/strategy';
import { genderCodec } from '@prism/proto/vocabulary';
import type { DeclaredAudience } from '../domain/context/index.js';
import type { StrategyBrief } from '../domain/model.js';

/** What describes segments: the strategy's products and its audience's pain points. */
export function briefOf(strategy: Strategy): StrategyBrief {
  return {
    products: strategy.spec?.products ?? [],
    painPoints: strategy.spec?.targetAudience?.painPoints ?? [],
  };
}

/** The strategy's declared target audience, with genders as the profile traits write them. */
export function declaredAudienceOf(strategy: Strategy): DeclaredAudience {
  const target = strategy.spec?.targetAudience;
  return {
    ageRanges: target?.ageRanges ?? [],
    genders: (target?.genders ?? []).flatMap((gender) => {
      const name = genderCodec.fromProto(gender);
      return name ? [name.toLowerCase()] : [];
    }),
    locations: target?.locations ?? [],
    interests: target?.interests ?? [],
    behaviours: target?.behaviours ?? [],
  };
}
