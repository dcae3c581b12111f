import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import { describe, expect, it } from 'vitest';
import { startTrackingServer, WRITE_KEY } from './test-support.js';

/** The calls both SDKs share, and how to wait until everything sent has been delivered. */
interface Sdk {
  identify(message: { userId: string; traits: Record<string, string> }): unknown;
  track(message: { userId: string; event: string; properties: Record<string, number> }): unknown;
  alias(message: { userId: string; previousId: string }): unknown;
  group(message: { anonymousId: string; groupId: string; traits: Record<string, string> }): unknown;
  page(message: { anonymousId: string; name: string; properties: Record<string, string> }): unknown;
  deliver(): Promise<unknown>;
}

// Both SDKs send every call through POST /v1/batch (their default path), with the write key as the
// Basic auth user name; rudder-sdk-node gzips the body.
const sdks: [string, (url: string) => Sdk][] = [
  [
    '@segment/analytics-node',
    (host) => {
      const client = new SegmentAnalytics({ writeKey: WRITE_KEY, host, flushInterval: 10, maxRetries: 0 });
      return Object.assign(client, { deliver: () => client.closeAndFlush({ timeout: 5000 }) });
    },
  ],
  [
    '@rudderstack/rudder-sdk-node',
    (dataPlaneUrl) => {
      const client = new RudderAnalytics(WRITE_KEY, {
        dataPlaneUrl,
        flushInterval: 10,
        retryCount: 0,
        logLevel: 'error',
      });
      return Object.assign(client, { deliver: () => client.flush() });
    },
  ],
];

describe.each(sdks)('%s against the tracking server', (_, connect) => {
  it('delivers identify, track, alias, group and page calls as TrackingMessages', async () => {
    const server = await startTrackingServer();
    const sdk = connect(server.url);
    sdk.identify({ userId: 'u1', traits: { plan: 'pro' } });
    sdk.track({ userId: 'u1', event: 'Order Completed', properties: { total: 42 } });
    sdk.alias({ userId: 'u1', previousId: 'anon-1' });
    sdk.group({ anonymousId: 'anon-2', groupId: 'acme-inc', traits: { industry: 'retail' } });
    sdk.page({ anonymousId: 'anon-2', name: 'Pricing', properties: { path: '/pricing' } });
    await sdk.deliver();

    const sent = { traits: {}, properties: {}, externalIds: [], receivedAt: expect.any(Date) };
    expect(server.accepted).toEqual([
      expect.objectContaining({ ...sent, type: 'identify', userId: 'u1', traits: { plan: 'pro' } }),
      expect.objectContaining({
        ...sent,
        type: 'track',
        userId: 'u1',
        event: 'Order Completed',
        properties: { total: 42 },
      }),
      expect.objectContaining({ ...sent, type: 'alias', userId: 'u1', previousId: 'anon-1' }),
      expect.objectContaining({
        ...sent,
        type: 'group',
        anonymousId: 'anon-2',
        groupId: 'acme-inc',
        properties: { industry: 'retail' },
      }),
      expect.objectContaining({
        ...sent,
        type: 'page',
        anonymousId: 'anon-2',
        name: 'Pricing',
        properties: { path: '/pricing' },
      }),
    ]);
    expect(new Set(server.accepted.map((message) => message.messageId)).size).toBe(5);
    expect(server.accepted[0]?.context).toMatchObject({ library: { name: expect.any(String) } });
  });

  it('sends the calls in batches and gets its clock skew corrected', async () => {
    // The server's clock is an hour ahead of the SDK's.
    const server = await startTrackingServer({ clock: () => new Date(Date.now() + 3_600_000) });
    const sdk = connect(server.url);
    for (let n = 0; n < 12; n++) sdk.track({ userId: `u${n}`, event: 'Viewed', properties: { n } });
    await sdk.deliver();

    expect(server.accepted.map((message) => message.properties.n)).toEqual([...Array(12).keys()]);
    expect(server.spaces.length).toBeLessThan(12);
    for (const { timestamp, receivedAt, sentAt } of server.accepted) {
      expect(receivedAt.getTime() - timestamp.getTime()).toBeGreaterThanOrEqual(0);
      expect(receivedAt.getTime() - timestamp.getTime()).toBeLessThan(5000);
      expect(receivedAt.getTime() - (sentAt?.getTime() ?? 0)).toBeGreaterThan(3_500_000);
    }
  });
});
