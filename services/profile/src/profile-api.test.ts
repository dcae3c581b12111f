import { type ServiceError, status } from '@grpc/grpc-js';
import { deadLetterSubjectOf, streamName } from '@prism/bus';
import { apiKeyMetadata } from '@prism/grpc';
import { failureOf as failureOfAny } from '@prism/testing';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { headers as natsHeaders } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSubjectOf } from './pipeline/ingest-queue.js';
import { ADMIN_KEY, type ProfileHarness, startProfileHarness } from './testing/harness.js';

const failureOf = (pending: Promise<unknown>) => failureOfAny<ServiceError>(pending);
const basic = (writeKey: string) => `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;

describe('Profile API and ingestion paths, end to end', () => {
  let harness: ProfileHarness;
  let acme: Awaited<ReturnType<ProfileHarness['createSpace']>>;
  let globex: Awaited<ReturnType<ProfileHarness['createSpace']>>;
  const lookup = (key: string, metadata = acme.metadata) =>
    harness.profileApi(harness.profiles.getProfile, { lookup: key, traitKeys: [] }, metadata);
  const found = (key: string) => harness.eventually(async () => (await lookup(key)).profile);

  beforeAll(async () => {
    harness = await startProfileHarness();
    acme = await harness.createSpace('acme');
    globex = await harness.createSpace('globex');
  }, 60_000);
  afterAll(() => harness?.stop());

  it('builds profiles from the real RudderStack SDK', async () => {
    const client = new RudderAnalytics(acme.writeKey, {
      dataPlaneUrl: harness.httpUrl,
      flushAt: 5,
      flushInterval: 50,
      logLevel: 'error',
    });
    client.identify({ userId: 'rudder-1', traits: { email: 'rudder@x.com', city: 'Berlin' } });
    client.track({ userId: 'rudder-1', event: 'Signed In' });
    await new Promise<void>((resolve) => client.flush(() => resolve()));
    const profile = await found('email:rudder@x.com');
    expect(profile.traits).toMatchObject({ city: 'Berlin' });
  });

  it('keeps the well-formed messages of a batch that also has bad ones', async () => {
    const response = await fetch(`${harness.httpUrl}/v1/batch`, {
      method: 'POST',
      headers: { authorization: basic(acme.writeKey), 'content-type': 'application/json' },
      body: JSON.stringify({
        batch: [
          { type: 'identify', userId: 'mixed-1', traits: { tier: 'gold' } },
          { type: 'teleport', userId: 'mixed-1' },
          { type: 'track', userId: 'mixed-1' },
          { type: 'track', userId: 'mixed-1', event: 'Late', timestamp: '1970-01-01T00:00:00Z' },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { rejected: { field: string }[] };
    expect(body.rejected.map((r) => r.field)).toEqual([
      'batch[1].type',
      'batch[2].event',
      'batch[3].timestamp',
    ]);
    expect((await found('user_id:mixed-1')).traits).toEqual({ tier: 'gold' });
  });

  it('answers a wrong write key with 401 and malformed JSON with 400', async () => {
    const post = (authorization: string, body: string) =>
      fetch(`${harness.httpUrl}/v1/track`, { method: 'POST', headers: { authorization }, body });
    expect((await post(basic('not-a-key'), '{}')).status).toBe(401);
    expect((await post(basic(acme.apiKey), '{}')).status).toBe(401);
    expect((await post(basic(acme.writeKey), '{"type":')).status).toBe(400);
  });

  it('ingests through gRPC with per-message rejections and INVALID_ARGUMENT for an empty request', async () => {
    const response = await harness.profileApi(
      harness.profiles.ingest,
      {
        messages: [{ type: 'identify', userId: 'grpc-1', traits: { source: 'grpc' } }, { type: 'identify' }],
      },
      acme.metadata,
    );
    expect(response).toMatchObject({ accepted: 1, rejected: [{ index: 1, field: 'messages[1].userId' }] });
    expect((await found('user_id:grpc-1')).traits).toEqual({ source: 'grpc' });
    const failure = await failureOf(
      harness.profileApi(harness.profiles.ingest, { messages: [] }, acme.metadata),
    );
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
  });

  it('applies what a partner publishes on NATS and dead-letters a payload that is not a message', async () => {
    const { js } = harness.bus;
    const prefix = harness.infra.subjectPrefix;
    await js.publish(
      ingestSubjectOf(prefix, 'acme', 'identify'),
      JSON.stringify({ userId: 'nats-1', traits: { via: 'nats' } }),
    );
    const poison = natsHeaders();
    await js.publish(ingestSubjectOf(prefix, 'acme', 'track'), 'not json', { headers: poison });
    expect((await found('user_id:nats-1')).traits).toEqual({ via: 'nats' });
    await harness.eventually(async () => {
      const info = await harness.bus.jsm.streams.info(streamName(prefix, 'dlq'));
      return info.state.messages > 0 ? info : undefined;
    });
    const dead = await harness.bus.jsm.streams.getMessage(streamName(prefix, 'dlq'), {
      last_by_subj: deadLetterSubjectOf(prefix, 'profile-ingest'),
    });
    expect(new TextDecoder().decode(dead.data)).toBe('not json');
  });

  it('exports every live profile of the caller space in batches, and nothing of another', async () => {
    await found('user_id:grpc-1');
    const exported = async (metadata: typeof acme.metadata, traitKeys: string[] = []) => {
      const batches = [];
      for await (const batch of harness.profiles.exportProfiles({ traitKeys, batchSize: 1 }, metadata))
        batches.push(batch as { profiles: { profileId: string; traitsJson: string }[]; total: number });
      return batches;
    };
    const batches = await exported(acme.metadata, ['source']);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.every((batch) => batch.profiles.length === 1 && batch.total === batches.length)).toBe(
      true,
    );
    const traits = batches.map((batch) => JSON.parse(batch.profiles[0]?.traitsJson ?? '{}'));
    expect(traits).toContainEqual({ source: 'grpc' });
    expect(traits.every((t) => Object.keys(t).every((key) => key === 'source'))).toBe(true);
    const empty = await exported(globex.metadata);
    expect(empty).toEqual([{ profiles: [], total: 0 }]);
    const bad = harness.profiles.exportProfiles({ traitKeys: [], batchSize: 20_000 }, acme.metadata);
    const failure = await failureOf(
      (async () => {
        for await (const _ of bad);
      })(),
    );
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.details).toContain('batch_size');
  });

  it('never lets a key of one space read or change another space', async () => {
    await found('user_id:mixed-1');
    const other = await failureOf(lookup('user_id:mixed-1', globex.metadata));
    expect(other.code).toBe(status.NOT_FOUND);
    const named = acme.metadata.clone();
    named.set('x-prism-space', 'globex');
    expect((await failureOf(lookup('user_id:mixed-1', named))).code).toBe(status.PERMISSION_DENIED);
    const operator = await failureOf(lookup('user_id:mixed-1', apiKeyMetadata(ADMIN_KEY)));
    expect(operator.code).toBe(status.PERMISSION_DENIED);
    const deletion = await failureOf(
      harness.profileApi(harness.profiles.deleteProfile, { lookup: 'user_id:mixed-1' }, globex.metadata),
    );
    expect(deletion.code).toBe(status.NOT_FOUND);
    expect((await lookup('user_id:mixed-1')).profile).toBeDefined();
  });

  it('deletes a profile with its history and keeps a suppressed identifier from coming back', async () => {
    await harness.profileApi(
      harness.profiles.ingest,
      { messages: [{ type: 'identify', userId: 'forget-me', traits: { email: 'forget@x.com' } }] },
      acme.metadata,
    );
    const profile = await found('user_id:forget-me');
    const suppressed = await harness.profileApi(
      harness.profiles.suppressIdentifier,
      { identifier: 'email:forget@x.com', deleteProfile: true },
      acme.metadata,
    );
    expect(suppressed.deletedProfileId).toBe(profile.profileId);
    expect((await failureOf(lookup('user_id:forget-me'))).code).toBe(status.NOT_FOUND);
    await harness.profileApi(
      harness.profiles.ingest,
      {
        messages: [
          { type: 'identify', userId: 'forget-me', traits: { email: 'forget@x.com' } },
          { type: 'identify', userId: 'after-suppress' },
        ],
      },
      acme.metadata,
    );
    await found('user_id:after-suppress');
    expect((await failureOf(lookup('user_id:forget-me'))).code).toBe(status.NOT_FOUND);
    const kinds = (await harness.profileEvents('acme')).filter(
      (event) => event.subject === `profiles/${profile.profileId}`,
    );
    expect(kinds.map((event) => event.type)).toContain('prism.profile.deleted');
  });

  it('defines a computed trait over gRPC, backfilled from history, and finds profiles by it', async () => {
    await harness.profileApi(
      harness.profiles.ingest,
      {
        messages: [1, 2, 3].map((n) => ({
          type: 'track',
          userId: 'spender',
          event: 'Order Completed',
          properties: { total: n * 10 },
        })),
      },
      acme.metadata,
    );
    await harness.eventually(
      async () => ((await lookup('user_id:spender')).profile?.version ?? 0) > 0 || undefined,
    );
    const { computedTrait } = await harness.profileApi(
      harness.profiles.createComputedTrait,
      {
        definition: {
          key: 'order_total',
          kind: 2,
          property: 'total',
          windowDays: 0,
          filter: { name: 'Order Completed', conditions: [] },
        },
      },
      acme.metadata,
    );
    expect(computedTrait?.backfilledProfiles).toBeGreaterThanOrEqual(1);
    expect((await lookup('user_id:spender')).profile?.computedTraits).toMatchObject({ order_total: 60 });
    const { profiles } = await harness.profileApi(
      harness.profiles.searchProfiles,
      { conditions: [{ key: 'order_total', operator: 3, value: 50 }], pageSize: 10, pageToken: '' },
      acme.metadata,
    );
    expect(profiles.map((p) => p.identifiers)).toEqual([
      expect.arrayContaining([{ type: 'user_id', value: 'spender' }]),
    ]);
    const bad = await failureOf(
      harness.profileApi(
        harness.profiles.createComputedTrait,
        { definition: { key: 'Bad Key', kind: 1, property: '', windowDays: 0 } },
        acme.metadata,
      ),
    );
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
  });
});
