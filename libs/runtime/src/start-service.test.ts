import type { Bus } from '@prism/bus';
import { commonEnv } from '@prism/config';
import { createLogger } from '@prism/log';
import { isolatedInfra } from '@prism/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ServiceModule, ServiceParts } from './service-module.js';
import { startService } from './start-service.js';

const infra = isolatedInfra();
const schema = z.object({ ...commonEnv, GRPC_PORT: z.coerce.number().default(0) });
const config = schema.parse({
  NATS_URL: infra.natsUrl,
  MONGO_URL: infra.mongoUrl,
  PRISM_SUBJECT_PREFIX: infra.subjectPrefix,
});
const logger = createLogger('runtime-test', { level: 'silent' });

afterAll(() => infra.cleanup());

/** A service with no API of its own, whose parts come from the test. */
function serviceWith(parts: (bus: Bus) => Promise<ServiceParts<object>>) {
  return {
    name: 'runtime-test',
    config: schema,
    database: () => infra.dbName,
    listen: (c) => ({ host: '127.0.0.1', port: c.GRPC_PORT }),
    streams: ['strategy'],
    openRepositories: async (db) => ({ db }),
    parts: ({ bus }) => parts(bus),
  } satisfies ServiceModule<typeof schema, object>;
}

describe('startService', () => {
  it('stops calls and background work first, then consumers, then the clients they call, then NATS', async () => {
    const stopped: string[] = [];
    let bus: Bus | undefined;
    const service = await startService(
      serviceWith(async (connected) => {
        bus = connected;
        return {
          grpc: [],
          background: [{ stop: () => void stopped.push('background') }],
          consumers: [
            {
              async stop() {
                expect(connected.nc.isClosed()).toBe(false);
                stopped.push('consumer');
              },
            },
          ],
          close: () => void stopped.push('clients'),
        };
      }),
      config,
      logger,
    );
    expect(service.port).toBeGreaterThan(0);

    await service.stop();
    expect(stopped).toEqual(['background', 'consumer', 'clients']);
    expect(bus?.nc.isClosed()).toBe(true);
  });

  it('listens before a part still starting has started, and tells its failure through started', async () => {
    let failStarting: (error: Error) => void = () => undefined;
    const starting = new Promise((_, reject) => {
      failStarting = reject;
    });
    const service = await startService(
      serviceWith(async () => ({ grpc: [], starting })),
      config,
      logger,
    );
    expect(service.port).toBeGreaterThan(0);
    failStarting(new Error('the front door could not listen'));
    await expect(service.started).rejects.toThrow('the front door could not listen');
    await service.stop();
  });

  it('closes what it opened when a part fails to start', async () => {
    let bus: Bus | undefined;
    const failing = serviceWith(async (connected) => {
      bus = connected;
      throw new Error('the part could not start');
    });
    await expect(startService(failing, config, logger)).rejects.toThrow('the part could not start');
    expect(bus?.nc.isClosed()).toBe(true);
  });
});
