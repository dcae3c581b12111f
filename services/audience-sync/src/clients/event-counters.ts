import { type ServiceError, status } from '@grpc/grpc-js';
import { type AudienceFailure, FailedPrecondition } from '@prism/errors';
import { type CallContext, callUnary, dependencyFailure, forwardedMetadata } from '@prism/grpc';
import {
  ComparisonOperator,
  ComputedTraitKind,
  type CreateComputedTraitRequest,
  type CreateComputedTraitResponse,
  type ProfileServiceClient,
} from '@prism/proto/prism/profile/v1/profile';
import type { EventCounter } from '../domain/event-traits.js';

/** Rule operators (the proto's numbers) that profile conditions share; `in` is not one. */
const COMPARISONS: Record<string, ComparisonOperator> = {
  equals: ComparisonOperator.COMPARISON_OPERATOR_EQUALS,
  not_equals: ComparisonOperator.COMPARISON_OPERATOR_NOT_EQUALS,
  greater_than: ComparisonOperator.COMPARISON_OPERATOR_GREATER_THAN,
  greater_or_equal: ComparisonOperator.COMPARISON_OPERATOR_GREATER_OR_EQUAL,
  less_than: ComparisonOperator.COMPARISON_OPERATOR_LESS_THAN,
  less_or_equal: ComparisonOperator.COMPARISON_OPERATOR_LESS_OR_EQUAL,
  contains: ComparisonOperator.COMPARISON_OPERATOR_CONTAINS,
  exists: ComparisonOperator.COMPARISON_OPERATOR_EXISTS,
};

/** Whether the profile service can count a condition's events (`in` has no profile condition). */
export const countable = (counter: EventCounter) =>
  counter.where.every((condition) => condition.operator in COMPARISONS);

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
          conditions: counter.where.map(({ key, operator, value }) => ({
            key,
            operator: COMPARISONS[operator] as ComparisonOperator,
            value,
          })),
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
