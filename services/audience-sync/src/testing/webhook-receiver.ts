import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/**
 * A webhook endpoint on 127.0.0.1 that checks what Prism sends the way a partner would: every
 * request verified with the Standard Webhooks library (signature and its 5-minute timestamp
 * tolerance). Tests, and `npm start`'s demo receiver, can make it misbehave on purpose.
 */

export interface ReceivedDelivery {
  id: string;
  timestamp: Date;
  /** The verified body, parsed as JSON. */
  body: unknown;
  contentType: string | undefined;
}

export interface RefusedRequest {
  id: string | undefined;
  status: number;
  reason: string;
}

export interface WebhookReceiverOptions {
  /** The `whsec_` secret this endpoint was given. */
  secret: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  onDelivery?: (delivery: ReceivedDelivery) => void;
}

export interface WebhookReceiver {
  readonly url: string;
  /** Verified deliveries in arrival order, retries of one id included. */
  readonly deliveries: readonly ReceivedDelivery[];
  readonly refused: readonly RefusedRequest[];
  /** TCP connections accepted so far: kept-alive deliveries share one. */
  readonly connections: number;
  /** Verifies with this secret from now on (the one a destination was created or rotated with). */
  useSecret(secret: string): void;
  /** Forgets the answers planned and not used yet: every request is answered 204 again. */
  reset(): void;
  /** The next `times` verified requests answer `status` (500, 503, 408…) and are not recorded. */
  fail(status: number, times?: number): void;
  /** The next `times` verified requests answer 429 with this `Retry-After` (seconds or an HTTP-date). */
  throttle(retryAfter: string, times?: number): void;
  /** The next `times` verified requests are read and never answered, until the sender gives up. */
  stall(times?: number): void;
  /** Every verified request after those already planned answers 410 Gone. */
  gone(): void;
  /** Closes the listener and every open connection: senders see connection refused. */
  goDown(): Promise<void>;
  /** Listens again on the same port. */
  comeUp(): Promise<void>;
  close(): Promise<void>;
}

type Answer = { kind: 'status'; status: number; headers?: Record<string, string> } | { kind: 'stall' };

const HOST = '127.0.0.1';
const STALL: Answer = { kind: 'stall' };

export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
  let webhook = new Webhook(options.secret);
  const deliveries: ReceivedDelivery[] = [];
  const refused: RefusedRequest[] = [];
  const script: Array<{ answer: Answer; remaining: number }> = [];
  let connections = 0;

  /** The head of the script, used up one request at a time. */
  const nextAnswer = (): Answer | undefined => {
    const head = script[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) script.shift();
    return head.answer;
  };
  const plan = (answer: Answer, times: number) => script.push({ answer, remaining: times });

  const receive = async (request: IncomingMessage, response: ServerResponse) => {
    const id = header(request, 'webhook-id');
    const verified = verify(webhook, await readBody(request), request);
    if (!verified.ok) {
      refused.push({ id, status: verified.status, reason: verified.reason });
      return reply(response, verified.status);
    }
    const answer = nextAnswer();
    if (answer?.kind === 'stall') return;
    if (answer) return reply(response, answer.status, answer.headers);
    const delivery = {
      id: id ?? '',
      timestamp: new Date(Number(header(request, 'webhook-timestamp')) * 1000),
      body: verified.body,
      contentType: request.headers['content-type'],
    };
    deliveries.push(delivery);
    options.onDelivery?.(delivery);
    reply(response, 204);
  };
  // A sender that hangs up mid-request leaves nothing to answer.
  const server = createServer(
    (request, response) => void receive(request, response).catch(() => response.destroy()),
  );
  server.on('connection', () => {
    connections += 1;
  });

  const listen = async (port: number) => {
    server.listen(port, HOST);
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  };
  const port = await listen(options.port ?? 0);
  const goDown = async () => {
    if (!server.listening) return;
    const closed = once(server, 'close');
    server.close();
    server.closeAllConnections();
    await closed;
  };

  return {
    url: `http://${HOST}:${port}/webhooks`,
    deliveries,
    refused,
    get connections() {
      return connections;
    },
    useSecret: (secret) => {
      webhook = new Webhook(secret);
    },
    reset: () => {
      script.length = 0;
    },
    fail: (status, times = 1) => plan({ kind: 'status', status }, times),
    throttle: (retryAfter, times = 1) =>
      plan({ kind: 'status', status: 429, headers: { 'retry-after': retryAfter } }, times),
    stall: (times = 1) => plan(STALL, times),
    gone: () => plan({ kind: 'status', status: 410 }, Number.POSITIVE_INFINITY),
    goDown,
    comeUp: async () => {
      await listen(port);
    },
    close: goDown,
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** 401 for a signature or timestamp the library refuses, 400 for a signed body that is not JSON. */
function verify(
  webhook: Webhook,
  body: Buffer,
  request: IncomingMessage,
): { ok: true; body: unknown } | { ok: false; status: number; reason: string } {
  try {
    return { ok: true, body: webhook.verify(body, signatureHeadersOf(request)) };
  } catch (error) {
    const status = error instanceof WebhookVerificationError ? 401 : 400;
    return { ok: false, status, reason: error instanceof Error ? error.message : String(error) };
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(' ') : value;
}

function signatureHeadersOf(request: IncomingMessage): Record<string, string> {
  const names = ['webhook-id', 'webhook-timestamp', 'webhook-signature'];
  return Object.fromEntries(names.map((name) => [name, header(request, name) ?? '']));
}

function reply(response: ServerResponse, status: number, headers: Record<string, string> = {}) {
  response.writeHead(status, headers).end();
}
