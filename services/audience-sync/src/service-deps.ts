import { Aborted, type AudienceFailure, FailedPrecondition, NotFound } from '@prism/errors';
import type { CallContext } from '@prism/grpc';
import { audienceKeysOf, eventConditionsOf, type Rule, traitKeysOf } from '@prism/rules';
import { countable, type EventCounters } from './clients/event-counters.js';
import type { LookalikeSource } from './domain/audience.js';
import { cycleThrough, dependentsOf } from './domain/dependencies.js';
import { eventCounterOf } from './domain/event-traits.js';
import type { AudienceEngine } from './live/engine.js';
import type { SpaceState } from './live/space-state.js';
import type { AudienceDocument } from './store/documents.js';

/** What the gRPC handlers work with. */
export interface AudienceServiceDeps {
  engine: AudienceEngine;
  eventCounters: EventCounters;
}

/** An audience of the caller's space by id or key. */
export function audienceIn(state: SpaceState, reference: string): AudienceDocument {
  const doc = state.docs.get(reference) ?? state.docs.get(state.byKey(reference)?.definition.id ?? '');
  if (!doc) throw new NotFound('audience', reference);
  return doc;
}

export function requireVersion(doc: AudienceDocument, expectedVersion: number): void {
  if (expectedVersion !== 0 && expectedVersion !== doc.version)
    throw new Aborted(
      `audience ${doc.key} is at version ${doc.version}, not ${expectedVersion}; read it again`,
    );
}

export function requireKind(doc: AudienceDocument, kind: AudienceDocument['kind'], action: string): void {
  if (doc.kind === kind) return;
  const why =
    doc.kind === 'campaign' ? 'campaign audiences change only with their campaign' : `it is ${doc.kind}`;
  throw new FailedPrecondition<AudienceFailure>(
    'WRONG_AUDIENCE_KIND',
    `Cannot ${action} audience ${doc.key}: ${why}.`,
  );
}

/**
 * Checks a rule against the space: every audience it names exists and none leads back to `key`.
 * Answers warnings for traits no profile has yet (the data may not have arrived).
 */
export function checkRule(state: SpaceState, key: string, rule: Rule): string[] {
  for (const named of audienceKeysOf(rule))
    if (!state.byKey(named))
      throw new FailedPrecondition<AudienceFailure>(
        'AUDIENCE_UNKNOWN',
        `The rule names audience "${named}", which this space does not have.`,
      );
  const cycle = cycleThrough(state.definitions(), key, { rule });
  if (cycle)
    throw new FailedPrecondition<AudienceFailure>(
      'AUDIENCE_CYCLE',
      `The rule would make a cycle of audiences: ${cycle.join(' → ')}.`,
    );
  return traitKeysOf(rule)
    .filter((trait) => !state.mirror.hasTrait(trait))
    .map((trait) => `no profile of this space has trait "${trait}" yet; profiles join as the data arrives`);
}

/** Checks a lookalike's seed against the space: it exists and does not lead back to `key`. */
export function checkSeed(state: SpaceState, key: string, lookalike: LookalikeSource): void {
  if (!state.byKey(lookalike.seedKey))
    throw new FailedPrecondition<AudienceFailure>(
      'AUDIENCE_UNKNOWN',
      `The seed audience "${lookalike.seedKey}" is not an audience of this space.`,
    );
  const cycle = cycleThrough(state.definitions(), key, { lookalike });
  if (cycle)
    throw new FailedPrecondition<AudienceFailure>(
      'AUDIENCE_CYCLE',
      `The seed would make a cycle of audiences: ${cycle.join(' → ')}.`,
    );
}

/** Makes the profile service count the rule's events (as computed traits) before it is used. */
export async function prepareEventCounters(
  deps: AudienceServiceDeps,
  call: CallContext,
  rule: Rule | undefined,
): Promise<void> {
  if (!rule) return;
  for (const counter of eventConditionsOf(rule).map(eventCounterOf)) {
    if (!countable(counter))
      throw new FailedPrecondition<AudienceFailure>(
        'EVENTS_NOT_COMPUTABLE',
        `Event conditions on "${counter.event}" cannot filter properties with IN; use ANY of EQUALS conditions.`,
      );
    await deps.eventCounters(call, counter);
  }
}

/** Keys of audiences whose rules name this one. */
export const usersOf = (state: SpaceState, doc: AudienceDocument) =>
  dependentsOf(state.definitions(), doc.key);
