import type { TrackingMessage } from '../tracking-message.js';
import { IdentityGraph, type ProfileRecord, type Resolution } from './graph.js';
import { identifierKey, identifiersOf } from './identifier.js';
import type { IdentityRules } from './rules.js';

export function message(fields: Partial<TrackingMessage> = {}): TrackingMessage {
  return {
    messageId: 'm1',
    type: 'identify',
    traits: {},
    properties: {},
    context: {},
    externalIds: [],
    timestamp: new Date(0),
    receivedAt: new Date(0),
    ...fields,
  };
}

/** A graph whose new profiles are p1, p2, … and are created after every loaded one, in that order. */
export function testGraph(loaded: ProfileRecord[] = []): IdentityGraph {
  let created = 0;
  return new IdentityGraph({ newProfileId: () => `p${++created}`, now: () => 0 }, loaded);
}

/** Resolves the messages in order, as the batch processor does. */
export function resolveAll(
  graph: IdentityGraph,
  messages: readonly TrackingMessage[],
  rules: IdentityRules,
): Resolution[] {
  return messages.map((m) => graph.resolve(identifiersOf(m, graph), rules));
}

/** Which identifiers share a profile, whatever the profiles are called: sorted `type:value` groups. */
export function partition(graph: IdentityGraph): string[][] {
  return sortedGroups(graph.profiles().map((profile) => profile.identifiers.map(identifierKey)));
}

/** Groups in a canonical order, so that equal partitions compare equal. */
export function sortedGroups(groups: string[][]): string[][] {
  return groups.map((group) => [...group].sort()).sort((a, b) => (a.join() < b.join() ? -1 : 1));
}
