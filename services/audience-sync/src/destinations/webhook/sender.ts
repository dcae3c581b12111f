import { type SignedDelivery, signatureHeaders } from './signing.js';

/**
 * One webhook delivery attempt and the retry schedule around it, as Standard Webhooks asks:
 * 2xx delivered; 408, 429, 5xx, timeouts and connection failures retried with exponential
 * backoff and jitter, honouring `Retry-After`; 410 disables the endpoint; anything else is a
 * failure not worth repeating (kept as a dead letter).
 */

/**
 * Standard Webhooks recommends JSON "for maximum compatibility": common receivers (Express's
 * `express.json()`, Fastify) parse `application/json` out of the box and leave
 * `application/cloudevents+json` unparsed. The body is still the whole CloudEvent.
 */
export const WEBHOOK_CONTENT_TYPE = 'application/json';
/** The spec recommends giving receivers 15 to 30 s to answer. */
export const DEFAULT_TIMEOUT_MS = 15_000;
/**
 * Attempts per delivery, the first included; after the last one fails the caller dead-letters.
 * Twelve spread retries over up to 27 minutes (about half that on average, with full jitter), so a
 * receiver down for minutes is still reached.
 */
export const MAX_ATTEMPTS = 12;
/** The longest wait between two attempts, whatever the attempt count or `Retry-After`. */
export const MAX_RETRY_DELAY_MS = 10 * 60_000;
const BASE_RETRY_DELAY_MS = 1_000;
/** Enough of a receiver's answer to explain a failure in a destination's status. */
const ERROR_TEXT_LIMIT = 200;

export interface WebhookTarget {
  url: string;
  /** The live `whsec_` secrets, newest first (two during a rotation's grace period). */
  secrets: readonly string[];
  timeoutMs?: number;
}

export type WebhookOutcome =
  | { kind: 'delivered'; status: number }
  /** Try again after `retryDelay`; `status` is absent when no answer came (timeout, connection). */
  | { kind: 'retry'; status?: number; retryAfterMs?: number; error: string }
  /** 410: the receiver wants no more webhooks; the caller disables the destination. */
  | { kind: 'gone'; status: 410; error: string }
  /** Not worth repeating (4xx, redirects, an unusable URL): the caller keeps a dead letter. */
  | { kind: 'rejected'; status?: number; error: string };

/**
 * POSTs one signed delivery and says what the caller should do next. HTTP and network failures
 * are outcomes; only an invalid secret or id (a caller's bug) throws.
 */
export async function sendWebhook(target: WebhookTarget, delivery: SignedDelivery): Promise<WebhookOutcome> {
  if (!isHttpUrl(target.url)) return { kind: 'rejected', error: `not an http(s) URL: ${target.url}` };
  const timeoutMs = target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers = { ...signatureHeaders(target.secrets, delivery), 'content-type': WEBHOOK_CONTENT_TYPE };
  try {
    // Node's fetch (undici) keeps connections alive; reading every answer lets the next delivery reuse one.
    const response = await fetch(target.url, {
      method: 'POST',
      headers,
      body: delivery.body,
      // A redirect is a failure: the spec asks senders to have the URL updated instead of following it.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text().catch(() => '');
    return outcomeOf(response, text);
  } catch (error) {
    return { kind: 'retry', error: unansweredReason(error, timeoutMs) };
  }
}

function outcomeOf(response: Response, text: string): WebhookOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  const error = `HTTP ${status}${text ? `: ${text.slice(0, ERROR_TEXT_LIMIT)}` : ''}`;
  if (status === 410) return { kind: 'gone', status, error };
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
    return { kind: 'retry', status, error, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  if (status >= 300 && status < 400) {
    return {
      kind: 'rejected',
      status,
      error: `HTTP ${status} redirect to ${response.headers.get('location') ?? '(no location)'}`,
    };
  }
  return { kind: 'rejected', status, error };
}

/** Why no answer came: the timeout, or the network error undici wraps in `cause` (ECONNREFUSED…). */
function unansweredReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) {
    const code = 'code' in cause ? String(cause.code) : '';
    return cause.message.includes(code) ? cause.message : `${code}: ${cause.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function isHttpUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const { protocol } = new URL(url);
  return protocol === 'http:' || protocol === 'https:';
}

/** `Retry-After` as milliseconds from `now`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Every HTTP-date names its month; Date.parse alone would take "-5" for a year.
  const at = /[A-Za-z]/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * How long to wait after the `attempt`-th failed attempt (1 after the first): full jitter, a
 * uniform draw up to 1 s · 2^(attempt−1) (so retries of many deliveries spread out instead of
 * hitting a recovering receiver together), never below the receiver's `Retry-After`, never
 * above MAX_RETRY_DELAY_MS.
 */
export function retryDelay(attempt: number, retryAfterMs = 0, random: () => number = Math.random): number {
  if (!Number.isInteger(attempt) || attempt < 1)
    throw new RangeError(`attempt must be 1 or more, got ${attempt}`);
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, BASE_RETRY_DELAY_MS * 2 ** Math.min(attempt - 1, 30));
  const jittered = Math.floor(random() * ceiling);
  return Math.min(MAX_RETRY_DELAY_MS, Math.max(retryAfterMs, jittered));
}
