import { isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from './connect.js';
import { openBus } from './test-support.js';
import { ensureServiceStreams, streamSpecOf } from './topology.js';

const infra = isolatedInfra();
let bus: Bus;
beforeAll(async () => {
  bus = await openBus(infra.subjectPrefix);
});
afterAll(async () => {
  await infra.cleanup();
  await bus.close();
});

describe('event topology', () => {
  it('lets every service ensure every stream it touches, in any order, without overlap errors', async () => {
    await ensureServiceStreams(bus.jsm, infra.subjectPrefix, ['persona', 'strategy']);
    await ensureServiceStreams(bus.jsm, infra.subjectPrefix, ['strategy', 'persona']);
    const strategy = await bus.jsm.streams.info(streamSpecOf(infra.subjectPrefix, 'strategy').name);
    expect(strategy.config.subjects).toEqual([
      `${infra.subjectPrefix}.*.strategy.*`,
      `${infra.subjectPrefix}.*.campaign.*`,
    ]);
  });

  it('routes campaign.personas events to the persona stream and campaign events to the strategy stream', async () => {
    await ensureServiceStreams(bus.jsm, infra.subjectPrefix, ['strategy', 'persona']);
    const p = infra.subjectPrefix;
    expect((await bus.js.publish(`${p}.acme.campaign.personas.cleared`, '{}')).stream).toBe(
      `${p.toUpperCase()}_PERSONA`,
    );
    expect((await bus.js.publish(`${p}.acme.campaign.approach_changed`, '{}')).stream).toBe(
      `${p.toUpperCase()}_STRATEGY`,
    );
  });
});
