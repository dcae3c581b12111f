import { type ServiceError, status } from '@grpc/grpc-js';
import { type AudienceFailure, FailedPrecondition } from '@prism/errors';
import { type CallContext, callUnary, dependencyFailure, forwardedMetadata } from '@prism/grpc';
import {
  ComputedTraitKind,
  type CreateComputedTraitRequest,
  type CreateComputedTraitResponse,
  type ProfileServiceClient,
} from '@prism/proto/prism/profile/v1/profile';
import { type Condition, conditionToProto, isConditionOperator } from '@prism/rules';
import type { EventCounter } from '../domain/event-traits.js';

/** Whether the profile service can count a condition's events (`in` has no profile condition). */
export const countable = (counter: EventCounter) =>
  counter.where.every((condition) => isConditionOperator(condition.operator));

/**
 * Asks the profile service to keep an event counter as a computed trait, with the caller's own
 * key (so it lands in the caller's space). It backfills from history and expires by window; one
 * that exists already (another audience counts the same) is fine.
 */
export function eventCounters(client: ProfileServiceClient) {
  return async (call: CallContext, counter: EventCounter): Promise<void> => {
    const request: CreateComputedTraitRequest = {
      definition: {
        key: counter.key,
        kind: ComputedTraitKind.COMPUTED_TRAIT_KIND_EVENT_COUNTER,
        property: '',
        filter: {
          name: counter.event,
          // `countable` has refused `in`, the one rule operator conditions lack.
          conditions: counter.where.map((condition) => conditionToProto(condition as Condition)),
        },
        windowDays: counter.windowDays,
      },
    };
    try {
      await callUnary<CreateComputedTraitRequest, CreateComputedTraitResponse>(
        client,
        client.createComputedTrait,
        forwardedMetadata(call),
        request,
      );
    } catch (error) {
      const failure = error as ServiceError;
      if (failure.code === status.ALREADY_EXISTS) return;
      if (failure.code === status.UNAVAILABLE || failure.code === status.DEADLINE_EXCEEDED)
        throw dependencyFailure('profile', client, failure);
      throw new FailedPrecondition<AudienceFailure>(
        'EVENTS_NOT_COMPUTABLE',
        `The profile service cannot count "${counter.event}" events for this audience: ${failure.details ?? failure.message}`,
      );
    }
  };
}

export type EventCounters = ReturnType<typeof eventCounters>;
