import type { AudienceFailureReason } from '@prism/proto/prism/audience/v1/audience';
import type { DestinationFailureReason } from '@prism/proto/prism/audience/v1/destinations';
import type { PersonaFailureReason } from '@prism/proto/prism/persona/v1/persona';
import type { ProfileFailureReason } from '@prism/proto/prism/profile/v1/profile';
import type { SegmentGenerationFailureReason } from '@prism/proto/prism/segments/v1/segments';
import type { StrategyFailureReason } from '@prism/proto/prism/strategy/v1/strategy';

/**
 * The reason strings a `<Service>FailureReason` proto enum declares: each value's name without
 * the enum's prefix (UNSPECIFIED and ts-proto's UNRECOGNIZED are not reasons). The protos are the
 * one place reasons are declared; these types only read them.
 */
type ReasonsOf<Enum extends object, Prefix extends string> = Exclude<
  { [Name in keyof Enum]: Name extends `${Prefix}${infer Reason}` ? Reason : never }[keyof Enum],
  'UNSPECIFIED'
>;

export type StrategyFailure = ReasonsOf<typeof StrategyFailureReason, 'STRATEGY_FAILURE_REASON_'>;
export type PersonaFailure = ReasonsOf<typeof PersonaFailureReason, 'PERSONA_FAILURE_REASON_'>;
export type SegmentGenerationFailure = ReasonsOf<
  typeof SegmentGenerationFailureReason,
  'SEGMENT_GENERATION_FAILURE_REASON_'
>;
export type ProfileFailure = ReasonsOf<typeof ProfileFailureReason, 'PROFILE_FAILURE_REASON_'>;

export type AudienceFailure = ReasonsOf<typeof AudienceFailureReason, 'AUDIENCE_FAILURE_REASON_'>;

export type DestinationFailure = ReasonsOf<typeof DestinationFailureReason, 'DESTINATION_FAILURE_REASON_'>;

/** Every FAILED_PRECONDITION reason some service declares. */
export type FailureReason =
  | StrategyFailure
  | PersonaFailure
  | SegmentGenerationFailure
  | ProfileFailure
  | AudienceFailure
  | DestinationFailure;
