import { createEvent, decodeEvent, jetStreamPublisher } from '@prism/bus';
import { eventually } from '@prism/testing';
import { connect, type NatsConnection, nkeyAuthenticator } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followAudiences } from '../../../../examples/partner-consumer/follow-audiences.js';
import { readCredentials } from './auth-file.js';
import { type IssuedCredential, issueCredential, revokeCredential } from './issue.js';
import { startTestNatsServer, type TestNatsServer } from './nats-test-server.js';

/**
 * Partner credentials on a real nats-server run with deploy/nats's configuration: each
 * credential is issued by `issueCredential`, which writes auth.conf and reloads the server.
 */

const prefix = 'prism';
let server: TestNatsServer;
let prism: NatsConnection;
let acme: IssuedCredential;
let rival: IssuedCredential;

beforeAll(async () => {
  server = await startTestNatsServer();
  const issue = (partner: string, space: string) =>
    issueCredential({ partner, space, prefix, servers: server.url, configDir: server.configDir });
  acme = await issue('acme', 'demo');
  rival = await issue('rival', 'other');
  prism = await connect({ servers: server.url });
});

afterAll(async () => {
  await prism?.close();
  await server?.stop();
});

/** A partner's connection, and the permission errors the server sent it. */
async function connectAs(issued: IssuedCredential) {
  const nc = await connect({
    servers: server.url,
    authenticator: nkeyAuthenticator(new TextEncoder().encode(issued.seed)),
    inboxPrefix: issued.grant.inboxPrefix,
  });
  const violations: string[] = [];
  void (async () => {
    for await (const { permissionContext: refused } of nc.status())
      if (refused) violations.push(`${refused.operation} ${refused.subject}`);
  })();
  return { nc, violations };
}

/** An audience event published the way audience-sync does. */
function publishEntered(space: string, audience: string) {
  const event = createEvent({
    source: 'prism/audience-sync',
    kind: 'audience.entered',
    audience,
    space,
    subject: `audiences/${audience}`,
    data: { audienceKey: audience, profileId: `prof_${crypto.randomUUID()}` },
  });
  return jetStreamPublisher(prism.jetstream(), prefix)
    .publish(event)
    .then(() => event);
}

describe('a partner credential', () => {
  it('receives its space’s audience events on a core subscription', async () => {
    const { nc } = await connectAs(acme);
    const live = nc.subscribe('prism.demo.audience.>', { max: 1 });
    await nc.flush();
    const sent = await publishEntered('demo', 'vip');
    for await (const message of live) expect(decodeEvent(message.data).id).toBe(sent.id);
    await nc.close();
  });

  it('pulls and acknowledges its space’s events, and only those, from the consumer issued with it', async () => {
    await publishEntered('other', 'vip');
    const sent = await publishEntered('demo', 'churned');
    const { nc } = await connectAs(acme);
    const consumer = await nc.jetstream().consumers.get(acme.grant.stream, acme.grant.consumer);
    const received: string[] = [];
    for await (const message of await consumer.fetch({ max_messages: 10, expires: 1_000 })) {
      const event = decodeEvent(message.data);
      expect(event.prismspace).toBe('demo');
      received.push(event.id);
      await message.ackAck();
    }
    expect(received).toContain(sent.id);
    expect((await consumer.info()).num_ack_pending).toBe(0);
    await nc.close();
  });

  it('publishes nothing: an event on its own space is refused and never stored', async () => {
    const genuine = await publishEntered('demo', 'vip');
    const { nc, violations } = await connectAs(acme);
    const forged = createEvent({
      source: 'acme',
      kind: 'audience.entered',
      audience: 'vip',
      space: 'demo',
      subject: 'audiences/vip',
      data: {},
    });
    await expect(jetStreamPublisher(nc.jetstream(), prefix).publish(forged)).rejects.toThrow(
      /Permissions Violation/,
    );
    nc.publish('prism.demo.ingest.track', '{}');
    await nc.flush();
    await eventually(async () => violations.includes('publish prism.demo.ingest.track') || undefined, 2_000);
    const jsm = await prism.jetstreamManager();
    const stored = await jsm.streams.getMessage(acme.grant.stream, {
      last_by_subj: 'prism.demo.audience.vip.entered',
    });
    expect(decodeEvent(stored.data).id).toBe(genuine.id);
    await nc.close();
  });

  it('cannot subscribe to another space’s events or to every subject', async () => {
    for (const subject of ['prism.other.audience.>', 'prism.>', '>']) {
      const { nc } = await connectAs(acme);
      const refused = nc.subscribe(subject);
      await nc.flush();
      expect(refused.isClosed(), subject).toBe(true);
      await nc.close();
    }
  });

  it('cannot create consumers nor read another partner’s', async () => {
    const { nc } = await connectAs(acme);
    const create = JSON.stringify({
      stream_name: 'PRISM_AUDIENCE',
      config: { durable_name: acme.grant.consumer, filter_subject: 'prism.>', ack_policy: 'explicit' },
    });
    for (const subject of [
      `$JS.API.CONSUMER.DURABLE.CREATE.PRISM_AUDIENCE.${acme.grant.consumer}`,
      '$JS.API.CONSUMER.CREATE.PRISM_AUDIENCE',
      `$JS.API.CONSUMER.DELETE.PRISM_AUDIENCE.${acme.grant.consumer}`,
      `$JS.API.CONSUMER.INFO.PRISM_AUDIENCE.${rival.grant.consumer}`,
      `$JS.API.CONSUMER.MSG.NEXT.PRISM_AUDIENCE.${rival.grant.consumer}`,
    ]) {
      await expect(nc.request(subject, create), subject).rejects.toThrow(/Permissions Violation for Publish/);
    }
    await nc.close();
  });

  it('is all examples/partner-consumer needs to follow the space from the consumer issued with it', async () => {
    const issued = await issueCredential({
      partner: 'example',
      space: 'demo',
      prefix,
      servers: server.url,
      configDir: server.configDir,
    });
    const sent = await publishEntered('demo', 'followed');
    const handled: string[] = [];
    const follower = await followAudiences({
      servers: server.url,
      space: 'demo',
      durable: issued.grant.consumer,
      seed: issued.seed,
      onEvent: (event) => void handled.push(event.id),
    });
    await eventually(async () => handled.includes(sent.id) || undefined, 5_000);
    await follower.stop();
  });

  it('stops working once issued again: the new seed replaces the old', async () => {
    const old = await issueCredential({
      partner: 'rotated',
      space: 'demo',
      prefix,
      servers: server.url,
      configDir: server.configDir,
    });
    await issueCredential({ ...old.grant, servers: server.url, configDir: server.configDir });
    await expect(connectAs(old)).rejects.toThrow(/Authorization Violation/i);
  });

  it('is refused once revoked, and its consumer is gone; the other partners keep theirs', async () => {
    const leaving = await issueCredential({
      partner: 'leaving',
      space: 'demo',
      prefix,
      servers: server.url,
      configDir: server.configDir,
    });
    const options = { ...leaving.grant, servers: server.url, configDir: server.configDir };
    expect(await revokeCredential(options)).toMatchObject({ revoked: true, reloaded: true });
    await eventually(async () =>
      connectAs(leaving).then(
        async ({ nc }) => void (await nc.close()),
        (error: Error) => (/Authorization Violation/i.test(error.message) ? true : undefined),
      ),
    );
    const jsm = await prism.jetstreamManager();
    await expect(jsm.consumers.info(leaving.grant.stream, leaving.grant.consumer)).rejects.toThrow(
      /consumer not found/i,
    );
    expect((await readCredentials(server.configDir)).map(({ partner }) => partner)).not.toContain('leaving');
    expect(await revokeCredential(options)).toMatchObject({ revoked: false });
    const { nc } = await connectAs(acme);
    await nc.close();
  });
});

it('Prism’s services, connecting without credentials, still publish and read every space', async () => {
  const everything = prism.subscribe('prism.>', { max: 1 });
  const sent = await publishEntered('other', 'vip');
  for await (const message of everything) expect(decodeEvent(message.data).id).toBe(sent.id);
});
