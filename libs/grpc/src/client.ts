import { type CallOptions, type Client, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { Unavailable } from '@prism/errors';
import type { CallContext } from './unary.js';

/** The callback form of a ts-proto generated client's unary method (its widest overload). */
export type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => unknown;

/** Promise form of a generated client's unary call: `callUnary(client, client.getCampaign, md, req)`. */
export function callUnary<Req, Res>(
  client: Client,
  method: UnaryMethod<Req, Res>,
  metadata: Metadata,
  request: Req,
  options: CallOptions = {},
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, metadata, options, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

/** Metadata carrying a space's API key the way the servers read it. */
export function apiKeyMetadata(apiKey: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${apiKey}`);
  return metadata;
}

const FORWARDED = ['authorization', 'x-api-key', 'x-prism-space'] as const;

/**
 * Metadata for a call another service makes on its caller's behalf: the caller's own credentials
 * (so the callee scopes it to the caller's space and nothing crosses tenants) and its trace.
 */
export function forwardedMetadata(call: CallContext): Metadata {
  const metadata = new Metadata();
  for (const key of FORWARDED) for (const value of call.metadata.get(key)) metadata.add(key, value);
  metadata.set('traceparent', call.traceparent);
  return metadata;
}

/** `timeoutMs` from now, but never past the caller's own deadline. */
export function deadlineWithin(call: CallContext, timeoutMs: number): Date {
  return new Date(Math.min(Date.now() + timeoutMs, call.deadline?.getTime() ?? Infinity));
}

/** A downstream's statuses that mean it could not be reached, or did not answer in time. */
const UNREACHABLE: ReadonlySet<status> = new Set([status.UNAVAILABLE, status.DEADLINE_EXCEEDED]);

/**
 * What a call to another service failed with, as this service answers it: a dependency it cannot
 * reach is UNAVAILABLE naming the dependency and its address (grpc-js reports a refused connection
 * as UNAVAILABLE), never a generic INTERNAL. Any other error is returned as it is.
 */
export function dependencyFailure(dependency: string, client: Client, error: ServiceError): Error {
  if (!UNREACHABLE.has(error.code)) return error;
  return new Unavailable(dependency, addressOf(client), error.details);
}

/** The address a client was made for, without the resolver scheme grpc-js adds (`dns:`). */
function addressOf(client: Client): string {
  return client
    .getChannel()
    .getTarget()
    .replace(/^dns:(\/\/\/)?/, '');
}
