import { once } from 'node:events';
import { createServer } from 'node:net';
import { createLogger } from '@prism/log';
import { isolatedInfra } from '@prism/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { profileStarter } from './testing/starter.js';

const infra = isolatedInfra();
afterAll(() => infra.cleanup());

describe('profile service start', () => {
  it('fails its start with the HTTP thread’s error when the HTTP port is taken, leaving nothing unhandled', async () => {
    const taken = createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as { port: number };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const env = {
        NATS_URL: infra.natsUrl,
        MONGO_URL: infra.mongoUrl,
        PRISM_SUBJECT_PREFIX: infra.subjectPrefix,
      };
      const starting = profileStarter({
        PROFILE_HTTP_PORT: String(port),
        PROFILE_GRPC_HOST: '127.0.0.1',
      }).start(
        { env, db: infra.databaseFor('profile'), addresses: {} },
        createLogger('start-test', { level: 'silent' }),
      );
      await expect(starting).rejects.toThrow(/EADDRINUSE/);
      // A turn of the event loop for a rejection nobody handled to be reported.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      taken.close();
    }
  });
});
