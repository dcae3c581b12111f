import { AudienceApproach, Gender } from './gen/prism/strategy/v1/strategy.js';

/**
 * Domain names for the strategy API's enums, shared by every service that speaks them
 * (strategy, persona, and the services that follow campaign events). Stored documents and
 * domain rules use the names; the wire uses the numbers.
 */
export const APPROACH_NAMES = ['NONE', 'AI_SEGMENTS', 'STRATEGY_PERSONAS'] as const;
export type ApproachName = (typeof APPROACH_NAMES)[number];
export type GenderName = 'FEMALE' | 'MALE' | 'NON_BINARY';

function enumCodec<Name extends string, Value extends number>(byName: Record<Name, Value>) {
  const byValue = new Map(Object.entries(byName).map(([name, value]) => [value as Value, name as Name]));
  return {
    toProto: (name: Name): Value => byName[name],
    /** Undefined for UNSPECIFIED and unknown numbers, which callers report. */
    fromProto: (value: number): Name | undefined => byValue.get(value as Value),
  };
}

export const approachCodec = enumCodec<ApproachName, AudienceApproach>({
  NONE: AudienceApproach.AUDIENCE_APPROACH_NONE,
  AI_SEGMENTS: AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS,
  STRATEGY_PERSONAS: AudienceApproach.AUDIENCE_APPROACH_STRATEGY_PERSONAS,
});

export const genderCodec = enumCodec<GenderName, Gender>({
  FEMALE: Gender.GENDER_FEMALE,
  MALE: Gender.GENDER_MALE,
  NON_BINARY: Gender.GENDER_NON_BINARY,
});
