import { describe, expect, it } from 'vitest';
import { createEvent, decodeEvent, natsSubjectOf } from './envelope.js';
import { jetStreamPublisher, publishEvent } from './publish.js';
import { streamSuite } from './test-support.js';

const suite = streamSuite('strategy', (prefix) => [`${prefix}.*.campaign.*`]);
const { prefix, stream } = suite;

const approachChanged = (space: string) =>
  createEvent({
    source: 'prism/strategy',
    kind: 'campaign.approach_changed',
    space,
    subject: 'cmp_1',
    data: { campaign: 'cmp_1', from: 'NONE', to: 'AI_SEGMENTS', epoch: '3' },
    epoch: 3,
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  });

describe('publish', () => {
  it('publishing the same event id twice stores one message and reports the second as a duplicate', async () => {
    const event = approachChanged('dup');
    const first = await publishEvent(suite.bus.js, prefix, event);
    const second = await publishEvent(suite.bus.js, prefix, event);
    expect(first).toMatchObject({ stream, duplicate: false });
    expect(second).toEqual({ stream, seq: first.seq, duplicate: true });
    const info = await suite.bus.jsm.streams.info(stream, { subjects_filter: natsSubjectOf(prefix, event) });
    expect(info.state.subjects?.[natsSubjectOf(prefix, event)]).toBe(1);
  });

  it('jetStreamPublisher stores the envelope on <prefix>.<space>.<kind> with Nats-Msg-Id and CloudEvents headers', async () => {
    const event = approachChanged('acme');
    const publisher = jetStreamPublisher(suite.bus.js, prefix);
    expect(await publisher.publish(event)).toMatchObject({ duplicate: false });
    expect(await publisher.publish(event)).toMatchObject({ duplicate: true });

    const stored = await suite.bus.jsm.streams.getMessage(stream, {
      last_by_subj: `${prefix}.acme.campaign.approach_changed`,
    });
    expect(stored.subject).toBe(`${prefix}.acme.campaign.approach_changed`);
    expect(decodeEvent(stored.data)).toEqual(event);
    expect(stored.header.get('Nats-Msg-Id')).toBe(event.id);
    expect(stored.header.get('Ce-Id')).toBe(event.id);
    expect(stored.header.get('Ce-Type')).toBe('prism.campaign.approach_changed');
    expect(stored.header.get('Content-Type')).toBe('application/cloudevents+json');
    expect(stored.header.get('traceparent')).toBe(event.traceparent);
  });

  it('publishing an event no stream captures fails instead of being lost silently', async () => {
    const orphan = createEvent({
      source: 'prism/x',
      kind: 'nobody.listens',
      space: 'acme',
      subject: 's',
      data: {},
    });
    await expect(publishEvent(suite.bus.js, prefix, orphan, { timeoutMs: 2000 })).rejects.toThrow();
  });
});
