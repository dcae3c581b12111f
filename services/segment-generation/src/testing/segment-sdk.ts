import { randomUUID } from 'node:crypto';
import { type Person, segmentSpecTraitsOf } from '@prism/population';

/** What `@segment/analytics-node` 3.x puts around every call it sends. */
const LIBRARY = { name: '@segment/analytics-node', version: '3.1.0' };
/** The SDK flushes at most this many calls per request by default. */
const CALLS_PER_BATCH = 15;

/**
 * The people identified as a server does with `@segment/analytics-node`
 * (`analytics.identify({ userId, traits })`, traits as Segment's spec has them): POST /v1/batch
 * with the write key as the Basic auth user name, and each call in the SDK's envelope
 * (`node-next-…` message id, library context, `integrations`, `_metadata`).
 */
export async function identifyWithSegmentSdk(
  trackingUrl: string,
  writeKey: string,
  people: readonly Person[],
  now: Date,
): Promise<void> {
  const authorization = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  for (let start = 0; start < people.length; start += CALLS_PER_BATCH) {
    const batch = people.slice(start, start + CALLS_PER_BATCH).map((person) => ({
      type: 'identify',
      userId: person.id,
      traits: segmentSpecTraitsOf(person, { now }),
      messageId: `node-next-${now.getTime()}-${randomUUID()}`,
      timestamp: now.toISOString(),
      context: { library: LIBRARY },
      integrations: {},
      _metadata: { jsRuntime: 'node' },
    }));
    const response = await fetch(`${trackingUrl}/v1/batch`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ batch, sentAt: new Date().toISOString() }),
    });
    if (!response.ok) throw new Error(`/v1/batch answered ${response.status}: ${await response.text()}`);
  }
}
