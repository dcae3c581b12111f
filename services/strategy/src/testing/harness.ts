import type { Metadata } from '@grpc/grpc-js';
import { type Bus, createEvent } from '@prism/bus';
import { apiKeyMetadata, callUnary, type UnaryMethod } from '@prism/grpc';
import { PersonaChanged, PersonaDeleted } from '@prism/proto/prism/events/v1/persona_events';
import type { StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import { keyOf as keyOfSpace, startWorld, TEST_API_KEYS } from '@prism/testing/world';
import { expect, vi } from 'vitest';
import { strategyStarter } from './starter.js';

export { rpcFailureOf as failureOf } from '@prism/testing/world';

let currentClient: StrategyServiceClient;

export interface StrategyHarness {
  client: StrategyServiceClient;
  /** Connection for publishing what other services would (persona events) and watching events. */
  bus: Bus;
  /** Publishes persona events as the persona service would and waits until the strategy counts them. */
  personaEvent(
    space: keyof typeof TEST_API_KEYS,
    kind: 'created' | 'deleted',
    strategyId: string,
    personaId: string,
  ): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a real strategy service on a free port against this test file's own database and subjects. */
export async function startStrategyHarness(): Promise<StrategyHarness> {
  const world = await startWorld({ strategy: strategyStarter });
  const { strategy: client } = world.clients;
  currentClient = client;
  return {
    client,
    bus: world.bus,
    async personaEvent(space, kind, strategyId, personaId) {
      const count = async () =>
        (await callUnary(client, client.getStrategy, keyOf(space), { strategyId })).strategy?.personaCount;
      const before = await count();
      const data =
        kind === 'created'
          ? PersonaChanged.toJSON({ personaId, strategyId, name: personaId, version: 1 })
          : PersonaDeleted.toJSON({ personaId, strategyId, version: 2 });
      await world.bus.publisher.publish(
        createEvent({ source: 'prism/persona', kind: `persona.${kind}`, space, subject: personaId, data }),
      );
      await vi.waitFor(async () => expect(await count()).not.toBe(before), { timeout: 10_000, interval: 20 });
    },
    stop: () => world.stop(),
  };
}

/** Metadata with the key of a known test space, or with `space` itself as a (wrong) key. */
export function keyOf(space: keyof typeof TEST_API_KEYS | string): Metadata {
  return space in TEST_API_KEYS ? keyOfSpace(space as keyof typeof TEST_API_KEYS) : apiKeyMetadata(space);
}

/** Promise form of a generated client's unary method, bound to the harness's client. */
export function callAs<Req, Res>(
  method: UnaryMethod<Req, Res>,
  metadata: Metadata,
  request: Req,
): Promise<Res> {
  return callUnary(currentClient, method, metadata, request);
}
