import { describe, expect, it } from 'vitest';
import { createEvent, decodeEvent } from './envelope.js';
import { publishMany } from './publish-many.js';
import { streamSuite } from './test-support.js';

const suite = streamSuite('profile', (prefix) => [`${prefix}.*.profile.*`]);
const { prefix, stream } = suite;

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
    const publish = publishMany(suite.bus.nc, prefix);
    await publish(events);
    await publish(events.slice(0, 10));
    const info = await suite.bus.jsm.streams.info(stream, {
      subjects_filter: `${prefix}.many.profile.created`,
    });
    expect(info.state.subjects?.[`${prefix}.many.profile.created`]).toBe(300);
    const first = await suite.bus.jsm.streams.getMessage(stream, { seq: info.state.first_seq });
    const last = await suite.bus.jsm.streams.getMessage(stream, {
      last_by_subj: `${prefix}.many.profile.created`,
    });
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
    await expect(publishMany(suite.bus.nc, prefix, 2000)([created('acme', 1), orphan])).rejects.toThrow();
  });
});
