import { createLogger } from '@prism/log';
import { onTestFinished } from 'vitest';
import type { TrackingMessage } from '../domain/tracking-message.js';
import { createTrackingHttpServer, type TrackingHttpServerOptions } from './server.js';

export const WRITE_KEY = 'wk-acme';
export const SPACE_ID = 'acme';

/**
 * A tracking server on loopback whose `accept` records messages in memory, deduplicating by messageId
 * like the store does; closed when the test finishes.
 */
export async function startTrackingServer(overrides: Partial<TrackingHttpServerOptions> = {}) {
  const accepted: TrackingMessage[] = [];
  const spaces: string[] = [];
  const logLines: string[] = [];
  const server = createTrackingHttpServer({
    writeKeys: { spaceOf: async (key) => (key === WRITE_KEY ? SPACE_ID : undefined) },
    accept: async (spaceId, messages) => {
      spaces.push(spaceId);
      const fresh = messages.filter(
        (message) => !accepted.some((seen) => seen.messageId === message.messageId),
      );
      accepted.push(...fresh);
      return { duplicates: messages.length - fresh.length };
    },
    logger: createLogger('profile', {
      level: 'debug',
      destination: { write: (line) => logLines.push(line) },
    }),
    ...overrides,
  });
  const port = await server.listen(0, '127.0.0.1');
  onTestFinished(() => server.close());
  return { url: `http://127.0.0.1:${port}`, accepted, spaces, logLines };
}

/** Basic auth with the write key as user name and no password, as the SDKs send it. */
export function basicAuth(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}
