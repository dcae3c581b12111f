import { readFileSync } from 'node:fs';
import { AudienceFailureReason } from '@prism/proto/prism/audience/v1/audience';
import { DestinationFailureReason } from '@prism/proto/prism/audience/v1/destinations';
import { PersonaFailureReason } from '@prism/proto/prism/persona/v1/persona';
import { ProfileFailureReason } from '@prism/proto/prism/profile/v1/profile';
import { SegmentGenerationFailureReason } from '@prism/proto/prism/segments/v1/segments';
import { StrategyFailureReason } from '@prism/proto/prism/strategy/v1/strategy';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { FailedPrecondition } from './errors.js';
import type { FailureReason, PersonaFailure, StrategyFailure } from './failure-reasons.js';
import { readErrorDetails, toServiceError } from './status.js';

describe('FailedPrecondition reasons', () => {
  it('sends a declared reason as the proto names it, without the enum prefix', () => {
    const error = new FailedPrecondition<StrategyFailure>('STRATEGY_IN_USE', 'Used by 2 campaigns.');
    const details = readErrorDetails(toServiceError(error));
    expect(details.errorInfo?.reason).toBe('STRATEGY_IN_USE');
    expect(details.preconditionReasons).toEqual(['STRATEGY_IN_USE']);
  });

  // Checked by the compiler (`npm run typecheck`): each line fails to compile if it does not hold.
  it('accepts only the reasons the protos declare, each service only its own', () => {
    expectTypeOf<PersonaFailure>().toEqualTypeOf<'STRATEGY_NOT_FOUND' | 'APPROACH_NOT_PERSONAS'>();
    expectTypeOf<ConstructorParameters<typeof FailedPrecondition>[0]>().toEqualTypeOf<FailureReason>();
    expectTypeOf<'NOT_A_DECLARED_REASON'>().not.toExtend<FailureReason>();
    expectTypeOf<'STRATEGY_IN_USE'>().not.toExtend<PersonaFailure>();
    expectTypeOf<'UNSPECIFIED'>().not.toExtend<FailureReason>();
  });
});

/** "service REASON" of each row of the README's table of failure reasons (`| service | \`REASON\` | when |`). */
const listed = new Set(
  [
    ...readFileSync(new URL('../../../README.md', import.meta.url), 'utf8').matchAll(
      /^\|\s*([a-z-]+)\s*\|\s*`([A-Z_]+)`\s*\|/gm,
    ),
  ].map(([, service, reason]) => `${service} ${reason}`),
);

/** Each FailureReason enum with the service (README table column) that answers it. */
const declared = [
  ['strategy', StrategyFailureReason, 'STRATEGY_FAILURE_REASON_'],
  ['persona', PersonaFailureReason, 'PERSONA_FAILURE_REASON_'],
  ['segment-generation', SegmentGenerationFailureReason, 'SEGMENT_GENERATION_FAILURE_REASON_'],
  ['profile', ProfileFailureReason, 'PROFILE_FAILURE_REASON_'],
  ['audience-sync', AudienceFailureReason, 'AUDIENCE_FAILURE_REASON_'],
  ['audience-sync', DestinationFailureReason, 'DESTINATION_FAILURE_REASON_'],
] as const;

describe('the README', () => {
  it.each(declared)('lists every reason the %s service declares (%#)', (service, values, prefix) => {
    const names = Object.keys(values).filter(
      (name) => name.startsWith(prefix) && name !== `${prefix}UNSPECIFIED`,
    );
    const reasons = names.map((name) => name.slice(prefix.length));
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.filter((reason) => !listed.has(`${service} ${reason}`))).toEqual([]);
  });
});
