import { isolatedInfra } from '@prism/testing';
import { nanos } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from './connect.js';
import {
  deadLetterStreamName,
  deadLetterSubjectOf,
  ensureDeadLetterStream,
  ensureStream,
  streamName,
} from './streams.js';
import { openBus } from './test-support.js';

const infra = isolatedInfra();
const prefix = infra.subjectPrefix;
let bus: Bus;

beforeAll(async () => {
  bus = await openBus(prefix);
});

afterAll(async () => {
  await infra.cleanup();
  await bus.close();
});

describe('streams', () => {
  it('derives upper-case stream names from the prefix and the owning service', () => {
    expect(streamName('prism', 'audience-sync')).toBe('PRISM_AUDIENCE_SYNC');
    expect(streamName('prism', 'strategy')).toBe('PRISM_STRATEGY');
    expect(deadLetterStreamName('prism')).toBe('PRISM_DLQ');
    expect(deadLetterSubjectOf('prism', 'persona-on-approach')).toBe('prism.dlq.persona-on-approach');
    expect(() => streamName('Prism.x', 'strategy')).toThrow(TypeError);
  });

  it('ensureStream creates a file-backed limits stream with the dedupe window, and is idempotent', async () => {
    const name = streamName(prefix, 'idem');
    const spec = { name, subjects: [`${prefix}.*.idem.*`], duplicateWindowMs: 60_000 };
    const first = await ensureStream(bus.jsm, spec);
    const again = await Promise.all([ensureStream(bus.jsm, spec), ensureStream(bus.jsm, spec)]);
    expect(first.config).toMatchObject({
      storage: 'file',
      retention: 'limits',
      duplicate_window: nanos(60_000),
      subjects: spec.subjects,
    });
    for (const info of again) expect(info.config).toEqual(first.config);
  });

  it('ensureStream updates subjects and dedupe window of an existing stream in place, keeping its messages', async () => {
    const name = streamName(prefix, 'evolve');
    await ensureStream(bus.jsm, { name, subjects: [`${prefix}.*.evolve.*`] });
    await bus.js.publish(`${prefix}.acme.evolve.happened`, new Uint8Array([1]));
    const updated = await ensureStream(bus.jsm, {
      name,
      subjects: [`${prefix}.*.evolve.*`, `${prefix}.*.evolve.more.*`],
      duplicateWindowMs: 30_000,
    });
    expect(updated.config.subjects).toEqual([`${prefix}.*.evolve.*`, `${prefix}.*.evolve.more.*`]);
    expect(updated.config.duplicate_window).toBe(nanos(30_000));
    expect(updated.state.messages).toBe(1);
  });

  it('the dead-letter stream coexists with service streams of 4- and 5-token subjects', async () => {
    // `<prefix>.dlq.>` would overlap `<prefix>.*.campaign.*` and the server would refuse one of them.
    await ensureStream(bus.jsm, {
      name: streamName(prefix, 'strategy'),
      subjects: [`${prefix}.*.campaign.*`],
    });
    await ensureStream(bus.jsm, {
      name: streamName(prefix, 'persona'),
      subjects: [`${prefix}.*.campaign.personas.*`],
    });
    const dlq = await ensureDeadLetterStream(bus.jsm, prefix);
    expect(dlq.config.name).toBe(deadLetterStreamName(prefix));
    const ack = await bus.js.publish(deadLetterSubjectOf(prefix, 'some-consumer'), new Uint8Array([1]));
    expect(ack.stream).toBe(deadLetterStreamName(prefix));
    const personas = await bus.js.publish(`${prefix}.acme.campaign.personas.cleared`, new Uint8Array([1]));
    expect(personas.stream).toBe(streamName(prefix, 'persona'));
  });
});
