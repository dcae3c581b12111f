import { setTimeout as sleep } from 'node:timers/promises';
import { MetaApiError, metaApiErrorOf } from './errors.js';

/** How a throttled or temporarily failing call is retried: exponential, jittered, bounded. */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** The ceiling of the first wait; each further wait doubles it, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 2_000, maxDelayMs: 60_000 };

export interface GraphConnection {
  /** The Graph API root with its version, e.g. `https://graph.facebook.com/v21.0`. */
  baseUrl: string;
  accessToken: string;
  retry?: Partial<RetryPolicy>;
  /** How long one request may take before it is abandoned (and retried). */
  requestTimeoutMs?: number;
  /** Told before each wait, e.g. to log that Meta is throttling. */
  onRetry?: (retry: { attempt: number; delayMs: number; error: unknown }) => void;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

/** Parameters as the Graph API takes them: text as is, objects and arrays as JSON. */
export type GraphParams = Readonly<Record<string, string | number | boolean | object>>;

/**
 * Calls the Graph API with the parameters form-encoded in the body (`access_token` among them),
 * as Meta's examples send them, and answers the parsed JSON. Rate limits, failures Meta marks
 * transient and lost connections are retried with the same parameters after a jittered,
 * doubling wait; anything else, or the last failure, is thrown (a `MetaApiError` for Meta's).
 */
export async function callGraph(
  connection: GraphConnection,
  method: 'POST' | 'DELETE',
  path: string,
  params: GraphParams,
): Promise<unknown> {
  const policy = { ...DEFAULT_RETRY, ...connection.retry };
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send(connection, method, path, params);
    } catch (error) {
      if (attempt >= policy.attempts || !isRetryable(error)) throw error;
      const delayMs = backoff(policy, attempt);
      connection.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}

async function send(
  connection: GraphConnection,
  method: string,
  path: string,
  params: GraphParams,
): Promise<unknown> {
  const form = new URLSearchParams({ access_token: connection.accessToken });
  for (const [name, value] of Object.entries(params))
    form.set(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
  const response = await fetch(`${connection.baseUrl.replace(/\/+$/, '')}/${path}`, {
    method,
    body: form,
    signal: AbortSignal.timeout(connection.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  const body = parseJson(text);
  const failed = !response.ok || (typeof body === 'object' && body !== null && 'error' in body);
  if (failed) throw metaApiErrorOf(response.status, body, text);
  return body;
}

/** The JSON value of a body or parameter; undefined for anything that is not JSON. */
export const parseJson = (text: string | null): unknown => {
  try {
    return text === null ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Throttling, a temporary failure, or no answer at all (refused, reset, timed out). */
function isRetryable(error: unknown): boolean {
  if (error instanceof MetaApiError) return error.rateLimited || error.transient;
  return error instanceof Error && (error.name === 'TimeoutError' || error.message === 'fetch failed');
}

/** Half the ceiling plus a random part of the other half, so retries never come all at once. */
function backoff(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
