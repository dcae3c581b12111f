import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createEvent,
  decodeEvent,
  encodeEvent,
  kindOf,
  type NewEvent,
  natsSubjectOf,
  type PrismEvent,
  prismEventSchema,
} from './envelope.js';
import { InvalidEvent, PoisonMessage } from './errors.js';

const utf8 = new TextEncoder();

const spaceArb = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,62}$/);
const kindArb = fc.stringMatching(/^[a-z_]{1,12}(\.[a-z_]{1,12}){1,3}$/);
const traceparentArb = fc
  .tuple(fc.stringMatching(/^[0-9a-f]{32}$/), fc.stringMatching(/^[0-9a-f]{16}$/))
  .map(([t, s]) => `00-${t}-${s}-01`);

const newEventArb: fc.Arbitrary<NewEvent<unknown>> = fc.record(
  {
    source: fc.constantFrom('prism/strategy', 'prism/persona', 'prism/audience-sync'),
    kind: kindArb,
    space: spaceArb,
    subject: fc.string({ minLength: 1, maxLength: 40 }),
    // Normalised through JSON once: -0 has no JSON form, so a payload can only ever be what JSON can say.
    data: fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown),
    epoch: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 80n }), fc.nat()),
    traceparent: traceparentArb,
  },
  { requiredKeys: ['source', 'kind', 'space', 'subject', 'data'] },
);

const sample = (): PrismEvent<{ campaign: string }> =>
  createEvent({
    source: 'prism/strategy',
    kind: 'campaign.approach_changed',
    space: 'acme',
    subject: 'cmp_1',
    data: { campaign: 'cmp_1' },
    epoch: 7,
  });

const poisonReason = (bytes: Uint8Array): string => {
  try {
    decodeEvent(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(PoisonMessage);
    return (err as PoisonMessage).reason;
  }
  throw new Error('expected PoisonMessage');
};

describe('envelope', () => {
  it('createEvent builds a CloudEvents 1.0 envelope typed prism.<kind> with a UUIDv7 id and a decimal epoch', () => {
    const event = sample();
    expect(event).toMatchObject({
      specversion: '1.0',
      source: 'prism/strategy',
      type: 'prism.campaign.approach_changed',
      subject: 'cmp_1',
      datacontenttype: 'application/json',
      prismspace: 'acme',
      prismepoch: '7',
      data: { campaign: 'cmp_1' },
    });
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Date(event.time).toISOString()).toBe(event.time);
    expect(event).not.toHaveProperty('traceparent');
    expect(kindOf(event)).toBe('campaign.approach_changed');
  });

  it('every valid event survives encode then decode unchanged', () => {
    fc.assert(
      fc.property(newEventArb, (input) => {
        const event = createEvent(input);
        const decoded = decodeEvent(encodeEvent(event));
        expect(decoded).toEqual(event);
        expect(prismEventSchema.safeParse(decoded).success).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('events created in sequence get distinct, time-ordered ids', () => {
    const ids = Array.from({ length: 200 }, () => sample().id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('createEvent refuses spaces and kinds that are not safe subject tokens', () => {
    const base = { source: 'prism/strategy', subject: 's', data: {} };
    for (const space of ['', 'Acme', 'a.b', 'a*', 'a>', 'a b', '-acme', 'x'.repeat(64)]) {
      expect(() => createEvent({ ...base, kind: 'campaign.created', space })).toThrow(InvalidEvent);
    }
    for (const kind of [
      'campaign',
      'campaign.',
      'Campaign.created',
      'campaign.*',
      'campaign.>',
      'a..b',
      'a.b-c',
    ]) {
      expect(() => createEvent({ ...base, kind, space: 'acme' })).toThrow(InvalidEvent);
    }
    expect(() => createEvent({ ...base, kind: 'a.b', space: 'acme', epoch: -1 })).toThrow(InvalidEvent);
    expect(() => createEvent({ ...base, kind: 'a.b', space: 'acme', epoch: 1.5 })).toThrow(InvalidEvent);
    expect(() => createEvent({ ...base, kind: 'a.b', space: 'acme', traceparent: 'nope' })).toThrow(
      InvalidEvent,
    );
  });

  it('decodeEvent rejects bytes that are not UTF-8 or not JSON as PoisonMessage', () => {
    expect(poisonReason(new Uint8Array([0xff, 0xfe, 0x00]))).toBe('invalid_utf8');
    expect(poisonReason(utf8.encode('not json'))).toBe('invalid_json');
    expect(poisonReason(utf8.encode(''))).toBe('invalid_json');
    expect(poisonReason(utf8.encode('{"specversion":"1.0"'))).toBe('invalid_json');
  });

  it('decodeEvent rejects any envelope with a required attribute missing or malformed', () => {
    const corruptions: Record<string, unknown>[] = [
      { specversion: '0.3' },
      { id: 'not-a-uuid' },
      { id: '3b241101-e2bb-4255-8caf-4136c566a962' }, // a v4 UUID: ids must be v7
      { source: '' },
      { type: 'campaign.approach_changed' },
      { type: 'other.campaign.approach_changed' },
      { subject: '' },
      { time: 'yesterday' },
      { datacontenttype: 'text/plain' },
      { prismspace: 'Acme' },
      { prismepoch: '-1' },
      { prismepoch: 7 },
      { traceparent: 'x' },
    ];
    const required = [
      'specversion',
      'id',
      'source',
      'type',
      'subject',
      'time',
      'datacontenttype',
      'data',
      'prismspace',
    ];
    fc.assert(
      fc.property(
        newEventArb,
        fc.oneof(
          fc
            .constantFrom(...corruptions)
            .map((patch) => (e: Record<string, unknown>) => ({ ...e, ...patch })),
          fc.constantFrom(...required).map((key) => (e: Record<string, unknown>) => {
            const { [key]: _dropped, ...rest } = e;
            return rest;
          }),
        ),
        (input, corrupt) => {
          const broken = corrupt({ ...createEvent(input) });
          expect(poisonReason(utf8.encode(JSON.stringify(broken)))).toBe('invalid_envelope');
        },
      ),
      { numRuns: 200 },
    );
    for (const notAnObject of ['null', '42', '"event"', '[]']) {
      expect(poisonReason(utf8.encode(notAnObject))).toBe('invalid_envelope');
    }
  });

  it('decodeEvent validates the payload when given a data schema', () => {
    const schema = z.object({ campaign: z.string() });
    expect(decodeEvent(encodeEvent(sample()), schema).data.campaign).toBe('cmp_1');
    const wrong = createEvent({
      source: 'prism/strategy',
      kind: 'campaign.created',
      space: 'acme',
      subject: 's',
      data: { campaign: 1 },
    });
    try {
      decodeEvent(encodeEvent(wrong), schema);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PoisonMessage);
      expect((err as PoisonMessage).reason).toBe('invalid_data');
    }
  });

  it('natsSubjectOf puts space and kind under the prefix, one token per kind part', () => {
    expect(natsSubjectOf('prism', sample())).toBe('prism.acme.campaign.approach_changed');
    const cleared = createEvent({
      source: 'prism/persona',
      kind: 'campaign.personas.cleared',
      space: 'acme',
      subject: 'c',
      data: {},
    });
    // 5 tokens: not matched by a 4-token `prism.*.campaign.*` filter or stream.
    expect(natsSubjectOf('prism', cleared).split('.')).toHaveLength(5);
  });

  it('routes an audience event by its key, so partners can follow one audience', () => {
    const entered = createEvent({
      source: 'prism/audience-sync',
      kind: 'audience.entered',
      audience: 'vip_2026',
      space: 'acme',
      subject: 'audiences/a1',
      data: {},
    });
    expect(entered.type).toBe('prism.audience.entered');
    expect(natsSubjectOf('prism', entered)).toBe('prism.acme.audience.vip_2026.entered');
  });

  it('refuses an audience key that is not a subject token', () => {
    const make = () =>
      createEvent({
        source: 's',
        kind: 'audience.entered',
        audience: 'a.b',
        space: 'acme',
        subject: 'x',
        data: {},
      });
    expect(make).toThrow(InvalidEvent);
  });
});
