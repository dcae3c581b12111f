import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, parseTrackingRequest, type Route } from './parse.js';

const receivedAt = new Date('2025-06-01T12:00:00.000Z');
const parse = (route: Route, body: unknown) => parseTrackingRequest(route, body, receivedAt);
const only = (route: Route, body: unknown) => {
  const { messages, rejected } = parse(route, body);
  expect(rejected).toEqual([]);
  expect(messages).toHaveLength(1);
  return messages[0]!;
};
const rejection = (route: Route, body: unknown) => {
  const { messages, rejected } = parse(route, body);
  expect(messages).toEqual([]);
  return rejected;
};
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('parseTrackingRequest: messages', () => {
  it('turns a Segment track call into a TrackingMessage', () => {
    expect(
      only('track', {
        messageId: 'm1',
        userId: 'u1',
        anonymousId: 'a1',
        event: 'Order Completed',
        properties: { total: 42 },
        context: { ip: '203.0.113.9', traits: { email: 'ann@example.com' } },
        timestamp: '2025-06-01T11:00:00.000Z',
      }),
    ).toEqual({
      messageId: 'm1',
      type: 'track',
      userId: 'u1',
      anonymousId: 'a1',
      event: 'Order Completed',
      traits: { email: 'ann@example.com' },
      properties: { total: 42 },
      context: { ip: '203.0.113.9', traits: { email: 'ann@example.com' } },
      externalIds: [],
      timestamp: new Date('2025-06-01T11:00:00.000Z'),
      receivedAt,
    });
  });

  it('takes identify traits from traits, else from context.traits', () => {
    const context = { traits: { plan: 'free' } };
    expect(only('identify', { userId: 'u1', traits: { plan: 'pro' }, context }).traits).toEqual({
      plan: 'pro',
    });
    expect(only('identify', { userId: 'u1', context }).traits).toEqual({ plan: 'free' });
  });

  it('gives other types the person traits of context.traits only', () => {
    const group = only('group', { userId: 'u1', groupId: 'g1', traits: { employees: 12 } });
    expect(group).toMatchObject({ groupId: 'g1', traits: {}, properties: { employees: 12 } });
    const track = only('track', {
      userId: 'u1',
      event: 'e',
      traits: { x: 1 },
      context: { traits: { y: 2 } },
    });
    expect(track.traits).toEqual({ y: 2 });
  });

  it('keeps only the fields of the message type, and a page category among the properties', () => {
    const page = only('page', {
      anonymousId: 'a1',
      name: 'Home',
      category: 'Docs',
      event: 'x',
      groupId: 'g',
    });
    expect(page).toMatchObject({ name: 'Home', properties: { category: 'Docs' } });
    expect(page).not.toHaveProperty('event');
    expect(page).not.toHaveProperty('groupId');
  });

  it('generates a UUIDv7 messageId when there is none', () => {
    const first = only('identify', { userId: 'u1' });
    const second = only('identify', { userId: 'u1', messageId: null });
    expect(first.messageId).toMatch(UUID_V7);
    expect(second.messageId).toMatch(UUID_V7);
    expect(first.messageId).not.toBe(second.messageId);
  });

  it('accepts numeric ids as strings and treats null fields as absent', () => {
    const message = only('alias', { userId: 42, previousId: 'anon-1', anonymousId: null, properties: null });
    expect(message).toMatchObject({ userId: '42', previousId: 'anon-1', properties: {} });
    expect(message).not.toHaveProperty('anonymousId');
  });

  it('maps context.externalIds to identifiers', () => {
    const externalIds = [
      { id: 'ann@example.com', type: 'email', collection: 'users', encoding: 'none' },
      { id: 123, type: 'crm_id' },
    ];
    expect(only('identify', { userId: 'u1', context: { externalIds } }).externalIds).toEqual([
      { type: 'email', value: 'ann@example.com' },
      { type: 'crm_id', value: '123' },
    ]);
  });

  it.each([
    ['identify', { traits: {} }, 'userId', 'userId or anonymousId is required'],
    ['track', { userId: 'u1' }, 'event', 'is required'],
    ['track', { userId: 'u1', event: '  ' }, 'event', 'must not be blank'],
    ['track', { event: 'e' }, 'userId', 'userId or anonymousId is required'],
    ['page', { userId: '' }, 'userId', 'must not be blank'],
    ['group', { userId: 'u1' }, 'groupId', 'is required'],
    ['group', { groupId: 'g1' }, 'userId', 'userId or anonymousId is required'],
    ['alias', { anonymousId: 'a1', previousId: 'p1' }, 'userId', 'is required'],
    ['alias', { userId: 'u1' }, 'previousId', 'is required'],
    ['identify', { userId: true }, 'userId', 'must be a string'],
    ['identify', { userId: 'u1', traits: [1] }, 'traits', 'must be an object'],
    [
      'identify',
      { userId: 'u1', context: { externalIds: [{ id: 'x' }] } },
      'context.externalIds[0].type',
      'is required',
    ],
  ] as const)('rejects %s %j naming %s', (route, body, field, description) => {
    expect(rejection(route, body)).toEqual([{ field, description }]);
  });

  it('takes the route as the type of a single message', () => {
    expect(only('screen', { type: 'track', userId: 'u1', name: 'Settings' })).toMatchObject({
      type: 'screen',
    });
  });

  it('rejects a message over 32 KB', () => {
    const [refused] = rejection('track', {
      userId: 'u1',
      event: 'e',
      properties: { blob: 'x'.repeat(MAX_MESSAGE_BYTES) },
    });
    expect(refused).toEqual({
      field: '',
      description: expect.stringMatching(/^is \d+ bytes of JSON; the limit is 32768$/),
    });
  });

  it('rejects a message nested too deeply to serialize', () => {
    const deep = JSON.parse(`${'['.repeat(20_000)}${']'.repeat(20_000)}`);
    expect(rejection('track', { userId: 'u1', event: 'e', properties: { deep } })).toEqual([
      { field: '', description: 'is nested too deeply' },
    ]);
  });
});

describe('parseTrackingRequest: timestamps', () => {
  const at = (body: object) => only('track', { userId: 'u1', event: 'e', ...body });

  it('corrects the sender clock skew with sentAt: receivedAt - (sentAt - timestamp)', () => {
    // The sender's clock is 3 h behind; the event happened 10 s before it was sent.
    const message = at({ timestamp: '2025-06-01T08:59:50.000Z', sentAt: '2025-06-01T09:00:00.000Z' });
    expect(message.timestamp).toEqual(new Date('2025-06-01T11:59:50.000Z'));
    expect(message.sentAt).toEqual(new Date('2025-06-01T09:00:00.000Z'));
  });

  it('corrects a RudderStack originalTimestamp the same way', () => {
    const message = at({ originalTimestamp: '2030-01-01T00:00:00.000Z', sentAt: '2030-01-01T00:00:05.000Z' });
    expect(message.timestamp).toEqual(new Date('2025-06-01T11:59:55.000Z'));
  });

  it('takes a timestamp without sentAt as sent, and no timestamp as receivedAt', () => {
    expect(at({ timestamp: '2025-05-31T12:00:00+02:00' }).timestamp).toEqual(
      new Date('2025-05-31T10:00:00Z'),
    );
    expect(at({ timestamp: '2025-05-31T12:00:00' }).timestamp).toEqual(new Date('2025-05-31T12:00:00Z'));
    expect(at({}).timestamp).toEqual(receivedAt);
    expect(at({ sentAt: '2001-01-01T00:00:00Z' })).toMatchObject({ timestamp: receivedAt });
  });

  it('corrects a device clock reset to 1970 into the present', () => {
    const message = at({ timestamp: '1970-01-01T00:01:00Z', sentAt: '1970-01-01T00:02:00Z' });
    expect(message.timestamp).toEqual(new Date('2025-06-01T11:59:00.000Z'));
  });

  it.each([
    [{ timestamp: 'yesterday' }, 'timestamp', 'must be an ISO-8601 date-time'],
    [{ timestamp: '2025-02-30T00:00:00Z' }, 'timestamp', 'must be an ISO-8601 date-time'],
    [{ timestamp: 1748779200000 }, 'timestamp', 'must be an ISO-8601 date-time string'],
    [{ originalTimestamp: '2025-13-01' }, 'originalTimestamp', 'must be an ISO-8601 date-time'],
    [{ timestamp: '2025-06-01T00:00:00Z', sentAt: 'now' }, 'sentAt', 'must be an ISO-8601 date-time'],
    [{ timestamp: '1999-12-31T23:59:59Z' }, 'timestamp', 'is before 2000-01-01'],
    [{ timestamp: '2025-06-02T12:00:01Z' }, 'timestamp', 'is more than 24 hours in the future'],
    [
      { timestamp: '2025-06-03T00:00:00Z', sentAt: '2025-06-01T00:00:00Z' },
      'timestamp',
      'is more than 24 hours in the future after clock-skew correction by sentAt',
    ],
  ])('rejects %j naming %s', (times, field, description) => {
    expect(rejection('track', { userId: 'u1', event: 'e', ...times })).toEqual([{ field, description }]);
  });

  it('accepts a timestamp up to 24 hours ahead', () => {
    expect(at({ timestamp: '2025-06-02T12:00:00Z' }).timestamp).toEqual(new Date('2025-06-02T12:00:00Z'));
  });
});

describe('parseTrackingRequest: batches', () => {
  const track = (n: number) => ({ type: 'track', userId: `u${n}`, event: `e${n}` });

  it('accepts the valid messages of a batch and rejects the others by index and field', () => {
    const { messages, rejected } = parse('batch', {
      batch: [track(0), { type: 'track', userId: 'u1' }, 7, { type: 'purchase', userId: 'u3' }, track(4)],
    });
    expect(messages.map((message) => message.userId)).toEqual(['u0', 'u4']);
    expect(rejected).toEqual([
      { index: 1, field: 'batch[1].event', description: 'is required' },
      { index: 2, field: 'batch[2]', description: 'must be an object' },
      {
        index: 3,
        field: 'batch[3].type',
        description: 'must be one of identify, track, page, screen, group, alias',
      },
    ]);
  });

  it('rejects an oversize message of a batch alone', () => {
    const big = { ...track(1), properties: { blob: 'x'.repeat(MAX_MESSAGE_BYTES) } };
    const { messages, rejected } = parse('batch', { batch: [track(0), big] });
    expect(messages).toHaveLength(1);
    expect(rejected).toEqual([
      { index: 1, field: 'batch[1]', description: expect.stringContaining('32768') },
    ]);
  });

  it('merges the batch context under each message context and applies the batch sentAt', () => {
    const { messages } = parse('batch', {
      context: { library: { name: 'sdk' }, ip: '198.51.100.1' },
      sentAt: '2025-06-01T10:00:10.000Z',
      batch: [
        { ...track(0), context: { ip: '203.0.113.9' }, timestamp: '2025-06-01T10:00:00.000Z' },
        { ...track(1), timestamp: '2025-06-01T10:00:00.000Z', sentAt: '2025-06-01T10:00:01.000Z' },
      ],
    });
    expect(messages.map(({ context, timestamp }) => ({ context, timestamp }))).toEqual([
      {
        context: { library: { name: 'sdk' }, ip: '203.0.113.9' },
        timestamp: new Date('2025-06-01T11:59:50.000Z'),
      },
      {
        context: { library: { name: 'sdk' }, ip: '198.51.100.1' },
        timestamp: new Date('2025-06-01T11:59:59.000Z'),
      },
    ]);
  });

  it('names the field of a message nested in a batch', () => {
    const body = { batch: [track(0), { ...track(1), context: { externalIds: [{ id: '', type: 't' }] } }] };
    expect(parse('batch', body).rejected).toEqual([
      { index: 1, field: 'batch[1].context.externalIds[0].id', description: 'must not be blank' },
    ]);
  });

  it.each([
    [[track(0)], 'the body must be a JSON object', ''],
    [{}, 'is required', 'batch'],
    [{ batch: {} }, 'must be an array', 'batch'],
    [{ batch: [] }, 'must contain at least one message', 'batch'],
    [{ batch: [track(0)], context: 'web' }, 'must be an object', 'context'],
    [{ batch: [track(0)], sentAt: 'soon' }, 'must be an ISO-8601 date-time', 'sentAt'],
  ])('refuses the whole body %j', (body, description, field) => {
    expect(rejection('batch', body)).toEqual([{ field, description }]);
  });

  it('reads the writeKey of the body', () => {
    expect(parse('batch', { writeKey: 'wk', batch: [track(0)] }).writeKey).toBe('wk');
    expect(parse('track', { writeKey: 'wk', ...track(0) }).writeKey).toBe('wk');
    expect(parse('batch', { writeKey: 'wk', batch: 1 })).toMatchObject({ writeKey: 'wk', messages: [] });
  });
});
