import { isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from './connect.js';
import { createEvent, decodeEvent } from './envelope.js';
import { publishMany } from './publish-many.js';
import { ensureStream, streamName } from './streams.js';
import { openBus } from './test-support.js';

const infra = isolatedInfra();
const prefix = infra.subjectPrefix;
const stream = streamName(prefix, 'profile');
let bus: Bus;

beforeAll(async () => {
  bus = await openBus(prefix);
  await ensureStream(bus.jsm, { name: stream, subjects: [`${prefix}.*.profile.*`] });
});

afterAll(async () => {
  await infra.cleanup();
  await bus.close();
});

const created = (space: string, n: number) =>
  createEvent({
    source: 'prism/profile',
    kind: 'profile.created',
    space,
    subject: `profiles/p${n}`,
    data: { profileId: `p${n}` },
  });

describe('publishMany', () => {
  it('stores every event once, in order, with its headers, and a resent event as a duplicate', async () => {
    const events = Array.from({ length: 300 }, (_, n) => created('many', n));
    const publish = publishMany(bus.nc, prefix);
    await publish(events);
    await publish(events.slice(0, 10));
    const info = await bus.jsm.streams.info(stream, { subjects_filter: `${prefix}.many.profile.created` });
    expect(info.state.subjects?.[`${prefix}.many.profile.created`]).toBe(300);
    const first = await bus.jsm.streams.getMessage(stream, { seq: info.state.first_seq });
    const last = await bus.jsm.streams.getMessage(stream, { last_by_subj: `${prefix}.many.profile.created` });
    expect(decodeEvent(first.data)).toEqual(events[0]);
    expect(decodeEvent(last.data)).toEqual(events[299]);
    expect(last.header.get('Nats-Msg-Id')).toBe(events[299]?.id);
    expect(last.header.get('Ce-Type')).toBe('prism.profile.created');
  });

  it('fails when no stream stores an event, instead of losing it silently', async () => {
    const orphan = createEvent({
      source: 'prism/x',
      kind: 'nobody.listens',
      space: 'acme',
      subject: 's',
      data: {},
    });
    await expect(publishMany(bus.nc, prefix, 2000)([created('acme', 1), orphan])).rejects.toThrow();
  });
});
