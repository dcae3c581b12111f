import { createEvent, type EventContext, type PrismEvent } from '@prism/bus';
import { AudienceComputed, AudienceMembershipChanged } from '@prism/proto/prism/events/v1/audience_events';
import { type Rule, traitKeysOf, valueAtPath } from '@prism/rules';
import type { AudienceDefinition } from '../domain/audience.js';
import type { MembershipChange } from '../domain/membership.js';
import type { ProfileView } from '../domain/profile-mirror.js';

const source = 'prism/audience-sync';

/** The traits an audience's rule names, as the profile has them: what a partner acts on. */
export const namedTraits = (definition: AudienceDefinition, profile: ProfileView | undefined) =>
  traitsNamedBy(definition.rule, profile);

/** The profile's values of the traits a rule names (nested as the profile holds them). */
export const traitsNamedBy = (
  rule: Rule | undefined,
  profile: ProfileView | undefined,
): Record<string, unknown> => (rule ? traitsAt(traitKeysOf(rule), profile) : {});

/** The profile's values at these trait paths, nested as the profile holds them. */
export function traitsAt(
  paths: readonly string[],
  profile: ProfileView | undefined,
): Record<string, unknown> {
  const traits: Record<string, unknown> = {};
  if (!profile) return traits;
  for (const path of paths) {
    const value = valueAtPath(profile.traits, path);
    if (value !== undefined) setAtPath(traits, path.split('.'), value);
  }
  return traits;
}

/** Nested as the profile holds them: `address.country` is `{ address: { country } }`. */
function setAtPath(target: Record<string, unknown>, [head, ...rest]: string[], value: unknown): void {
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const child = target[head];
  const next =
    typeof child === 'object' && child !== null && !Array.isArray(child)
      ? (child as Record<string, unknown>)
      : {};
  target[head] = next;
  setAtPath(next, rest, value);
}

/** `audience.entered` or `audience.exited`, on `<prefix>.<space>.audience.<key>.<entered|exited>`. */
export function membershipChanged(
  context: EventContext,
  definition: AudienceDefinition,
  change: MembershipChange,
  profile: ProfileView | undefined,
): PrismEvent {
  const epoch = definition.campaign?.epoch;
  const data = AudienceMembershipChanged.toJSON({
    audienceId: definition.id,
    audienceKey: definition.key,
    audienceVersion: definition.version,
    profileId: change.profileId,
    identifiers: profile?.identifiers ?? [],
    traits: namedTraits(definition, profile),
    cause: { kind: change.cause.kind, eventId: change.cause.eventId ?? '' },
    time: new Date(change.at),
    campaignId: definition.campaign?.campaignId ?? '',
    epoch: epoch ?? 0,
  });
  return audienceEvent(
    context,
    definition,
    change.entered ? 'audience.entered' : 'audience.exited',
    data,
    change.at,
  );
}

export interface ComputeSummary {
  size: number;
  entered: number;
  exited: number;
  at: number;
}

/** `audience.computed`: once after a build or recompute. */
export function audienceComputed(
  context: EventContext,
  definition: AudienceDefinition,
  summary: ComputeSummary,
): PrismEvent {
  const data = AudienceComputed.toJSON({
    audienceId: definition.id,
    audienceKey: definition.key,
    audienceVersion: definition.version,
    size: summary.size,
    entered: summary.entered,
    exited: summary.exited,
    campaignId: definition.campaign?.campaignId ?? '',
    epoch: definition.campaign?.epoch ?? 0,
    time: new Date(summary.at),
  });
  return audienceEvent(context, definition, 'audience.computed', data, summary.at);
}

function audienceEvent(
  context: EventContext,
  definition: AudienceDefinition,
  kind: string,
  data: unknown,
  at: number,
): PrismEvent {
  const epoch = definition.campaign?.epoch;
  return createEvent({
    source,
    kind,
    audience: definition.key,
    space: context.space,
    subject: `audiences/${definition.id}`,
    data,
    time: new Date(at),
    ...(epoch !== undefined && { epoch }),
    ...(context.traceparent && { traceparent: context.traceparent }),
  });
}
