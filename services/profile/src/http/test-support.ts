import { request as httpRequest } from 'node:http';
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

/** A track message of user `u<n>`. */
export const track = (n: number) => ({ type: 'track', userId: `u${n}`, event: `e${n}` });

/** POSTs JSON (or the string or bytes given) with the write key as Basic auth, unless `writeKey` is null. */
export function post(
  url: string,
  body: unknown,
  { writeKey = WRITE_KEY, headers = {} }: { writeKey?: string | null; headers?: Record<string, string> } = {},
) {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(writeKey ? { authorization: basicAuth(writeKey) } : {}),
      ...headers,
    },
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
}

/** Posts without Content-Length (chunked), so the server only learns the size by reading. */
export function postChunked(url: string, body: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const headers = { authorization: basicAuth(WRITE_KEY) };
    const request = httpRequest(url, { method: 'POST', headers }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', reject);
    request.write(body.slice(0, 1000));
    request.end(body.slice(1000));
  });
}

/** The status, headers and JSON body of a response. */
export async function reply(pending: Promise<Response>) {
  const response = await pending;
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, headers: response.headers, body };
}
