import { credentials } from '@grpc/grpc-js';
import { apiKeyMetadata, callUnary } from '@prism/grpc';
import { StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import { isolatedInfra } from '@prism/testing';
import { connect } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startServiceProcess } from './service-process.js';

const infra = isolatedInfra();
afterAll(() => infra.cleanup());

describe('strategy service as a process', () => {
  it('serves gRPC, publishes to a plain NATS subscription, exposes metrics and stops cleanly on SIGTERM', async () => {
    const metricsPort = await freePort();
    const service = startServiceProcess('strategy', {
      NATS_URL: infra.natsUrl,
      MONGO_URL: infra.mongoUrl,
      PRISM_SUBJECT_PREFIX: infra.subjectPrefix,
      PRISM_API_KEYS: 'acme:acme-key-0001',
      STRATEGY_DB: infra.dbName,
      STRATEGY_GRPC_PORT: '0',
      METRICS_PORT: String(metricsPort),
    });
    const port = await service.port;

    const nc = await connect({ servers: infra.natsUrl });
    const subscription = nc.subscribe(`${infra.subjectPrefix}.acme.campaign.*`, { max: 1 });
    const client = new StrategyServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
    const { campaign } = await callUnary(client, client.createCampaign, apiKeyMetadata('acme-key-0001'), {
      name: 'From another process',
    });

    for await (const message of subscription) {
      expect(message.subject).toBe(`${infra.subjectPrefix}.acme.campaign.created`);
      expect(message.headers?.get('Nats-Msg-Id')).toBe(message.json<{ id: string }>().id);
      expect(message.json()).toMatchObject({ type: 'prism.campaign.created', subject: campaign!.id });
    }
    await nc.close();
    client.close();

    const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text());
    expect(scrape).toMatch(/prism_grpc_server_handled_total\{[^}]*CreateCampaign[^}]*\} 1/);
    expect(scrape).toContain('prism_outbox_events_published_total{collection="campaigns"} 1');

    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it('refuses to start with a message naming the wrong variable', async () => {
    const service = startServiceProcess('strategy', {
      NATS_URL: infra.natsUrl,
      MONGO_URL: infra.mongoUrl,
      STRATEGY_GRPC_PORT: 'fifty',
    });
    expect(await service.exited).toBe(1);
    expect(service.stderr()).toContain('STRATEGY_GRPC_PORT');
  });
});
