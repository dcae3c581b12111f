import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ServerTls } from '@prism/grpc';
import { type Logger, newTraceId, parseTraceparent, runInContext } from '@prism/log';
import { type RateLimit, type SpaceRateLimiter, spaceRateLimiter } from '@prism/rate-limit';
import { MESSAGE_TYPES, type TrackingMessage } from '../domain/tracking-message.js';
import { BodyError, readBody } from './body.js';
import { MAX_BATCH_BYTES, type ParsedRequest, parseTrackingRequest, type Route } from './parse.js';

export interface TrackingHttpServerOptions {
  writeKeys: { spaceOf(key: string): Promise<string | undefined> };
  /** Stores the messages durably (deduplicating by messageId) before resolving. */
  accept(spaceId: string, messages: TrackingMessage[]): Promise<{ duplicates: number }>;
  logger: Logger;
  clock?: () => Date;
  /** Requests each space may send, counted once its write key is known; no limit without it. */
  rateLimit?: RateLimit;
  /** Serve HTTPS with this certificate and key (the gRPC server's); plain HTTP without it. */
  tls?: ServerTls | undefined;
}

export interface TrackingHttpServer {
  /** Starts listening; resolves to the bound port (useful with port 0). */
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

const ROUTES = new Map<string, Route>(
  [...MESSAGE_TYPES, 'batch' as const].map((route) => [`/v1/${route}`, route]),
);

// Slow clients get this long to send a request (at most 500 KB) before the server gives up.
const REQUEST_TIMEOUT_MS = 30_000;

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

const error = (status: number, code: string, message: string, extra: object = {}): Reply => ({
  status,
  body: { error: code, message, ...extra },
});

/**
 * Segment's HTTP Tracking API (`POST /v1/{identify,track,page,screen,group,alias,batch}`, write key as
 * the Basic auth user name or as `writeKey` in the body) in front of `accept`, plus `GET /healthz`.
 * Whatever fails unexpectedly (the write-key lookup, `accept`) is a 503, which SDKs retry: nothing is
 * acknowledged that was not accepted.
 */
export function createTrackingHttpServer(options: TrackingHttpServerOptions): TrackingHttpServer {
  const { logger } = options;
  const limiter = spaceRateLimiter(options.rateLimit);
  const handle: RequestListener = (request, response) => {
    const traceId = parseTraceparent(header(request, 'traceparent'))?.traceId ?? newTraceId();
    runInContext({ traceId }, async () => {
      const reply = await serve(request, traceId, options, limiter).catch((failure: unknown) => {
        if (request.complete) logger.error({ err: failure }, 'tracking request failed');
        else logger.debug('the client went away');
        return error(503, 'UNAVAILABLE', 'the request could not be processed; retry later');
      });
      send(response, reply);
    });
  };
  const settings = { requestTimeout: REQUEST_TIMEOUT_MS };
  const { tls } = options;
  const server = tls ? createTlsServer({ ...settings, ...tls }, handle) : createServer(settings, handle);
  server.on('clientError', (failure: NodeJS.ErrnoException, socket) => {
    logger.debug({ code: failure.code }, 'malformed HTTP request');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

async function serve(
  request: IncomingMessage,
  traceId: string,
  options: TrackingHttpServerOptions,
  limiter: SpaceRateLimiter | undefined,
): Promise<Reply> {
  const { logger, clock = () => new Date() } = options;
  const [path = ''] = (request.url ?? '').split('?');
  if (path === '/healthz')
    return request.method === 'GET' ? { status: 200, body: { status: 'ok' } } : notAllowed('GET');
  const route = ROUTES.get(path);
  if (!route) return error(404, 'NOT_FOUND', `no route ${request.method} ${path}`);
  if (request.method !== 'POST') return notAllowed('POST');

  const refuse = (reply: Reply) => {
    logger.warn({ route, status: reply.status, error: reply.body.error }, 'tracking request refused');
    return reply;
  };
  let body: Buffer;
  try {
    body = await readBody(request, MAX_BATCH_BYTES);
  } catch (failure) {
    if (failure instanceof BodyError) return refuse(error(failure.status, failure.code, failure.message));
    throw failure;
  }
  const receivedAt = clock();
  let json: unknown;
  try {
    // Content-Type is not checked: rudder-sdk-node labels its gzipped JSON x-www-form-urlencoded.
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return refuse(error(400, 'MALFORMED_JSON', 'the body is not valid JSON'));
  }
  const parsed = parseTrackingRequest(route, json, receivedAt);

  const writeKey = basicAuthUser(header(request, 'authorization')) ?? parsed.writeKey;
  const spaceId = writeKey === undefined ? undefined : await options.writeKeys.spaceOf(writeKey);
  if (spaceId === undefined) {
    return refuse({
      ...error(401, 'UNAUTHENTICATED', 'a valid write key is required as the Basic auth user name'),
      headers: { 'www-authenticate': 'Basic realm="prism"' },
    });
  }
  const decision = limiter?.take(spaceId);
  if (decision && !decision.allowed) return refuse(rateLimited(decision.retryAfterMs));
  return runInContext({ traceId, spaceId }, () => deliver(route, parsed, spaceId, options));
}

async function deliver(
  route: Route,
  { messages, rejected }: ParsedRequest,
  spaceId: string,
  { accept, logger }: TrackingHttpServerOptions,
): Promise<Reply> {
  // Field paths only: rejections can quote nothing of the messages, but log lines stay small.
  const fields = rejected.slice(0, 10).map((rejection) => rejection.field);
  if (messages.length === 0) {
    logger.warn({ route, rejected: rejected.length, fields }, 'tracking request with no valid message');
    return error(400, 'INVALID_MESSAGES', 'no message is valid', { rejected });
  }
  const { duplicates } = await accept(spaceId, messages);
  const counts = { route, accepted: messages.length, duplicates, rejected: rejected.length };
  if (rejected.length > 0) logger.warn({ ...counts, fields }, 'tracking messages accepted, some rejected');
  else logger.debug(counts, 'tracking messages accepted');
  // Some invalid messages in a batch still get a 200 that lists them: SDKs resend the whole batch on
  // a 5xx (duplicating the valid messages and failing again on the invalid ones) and drop it on a 400.
  return { status: 200, body: { success: true, accepted: messages.length, duplicates, rejected } };
}

/** 429 with the whole seconds to wait in `Retry-After`, which Segment's and RudderStack's SDKs honour. */
function rateLimited(retryAfterMs: number): Reply {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return {
    ...error(429, 'RATE_LIMITED', `the space's request rate limit is exhausted; retry in ${seconds} s`),
    headers: { 'retry-after': String(seconds) },
  };
}

function notAllowed(allow: string): Reply {
  return { ...error(405, 'METHOD_NOT_ALLOWED', `use ${allow}`), headers: { allow } };
}

function send(response: ServerResponse, { status, body, headers }: Reply): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** The user name of `Authorization: Basic base64(user:password)`, which is where SDKs put the write key. */
function basicAuthUser(authorization: string | undefined): string | undefined {
  const match = /^basic\s+(\S+)$/i.exec(authorization?.trim() ?? '');
  if (!match?.[1]) return undefined;
  const user = Buffer.from(match[1], 'base64').toString('utf8').split(':')[0];
  return user || undefined;
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
