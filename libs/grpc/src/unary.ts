import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  handleServerStreamingCall,
  handleUnaryCall,
  Metadata,
  ServerUnaryCall,
  ServerWritableStream,
} from '@grpc/grpc-js';
import {
  fieldViolationsFromZod,
  InvalidArgument,
  PrismError,
  ResourceExhausted,
  toServiceError,
} from '@prism/errors';
import { type Logger, parseTraceparent, type RequestContext, runInContext } from '@prism/log';
import type { SpaceRateLimiter } from '@prism/rate-limit';
import { inSpan, SpanKind } from '@prism/telemetry';
import type { z } from 'zod';
import { type ApiKeyResolver, authenticate, firstValue } from './auth.js';
import { outageOf } from './outage.js';

/** What a handler knows about the call it serves, beyond the request message. */
export interface CallContext {
  /** The space of the caller's API key; every read and write of the handler is scoped to it. */
  spaceId: string;
  /** This call's span in the caller's trace (or a new trace), to propagate into events and outgoing calls. */
  traceparent: string;
  /** What the events this call causes carry over from it: its space and its trace. */
  cause: { space: string; traceparent: string };
  logger: Logger;
  deadline?: Date;
  metadata: Metadata;
}

export type UnaryHandler<Req, Res> = (call: CallContext, request: Req) => Promise<Res>;

/** What `unary` needs from the server it is mounted on; `createGrpcServer` provides it around each call. */
export interface ServerScope {
  logger: Logger;
  apiKeys: ApiKeyResolver;
  /** Each space's request rate; none when the limit is off. */
  rateLimiter?: SpaceRateLimiter;
}

export const serverScope = new AsyncLocalStorage<ServerScope>();

/**
 * Adapts an async handler to grpc-js: authenticates, runs the handler in the request's log context and
 * answers whatever it throws through `toServiceError`, so a failing handler never takes the process down.
 */
export function unary<Req, Res>(handler: UnaryHandler<Req, Res>): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    void inCallContext(call, (ctx) => handler(ctx, call.request)).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toServiceError(error)),
    );
  };
}

/**
 * A server-streaming handler: `send` resolves once the message is handed to the transport (it waits
 * while the client's window is full, so a slow reader slows the producer instead of filling memory);
 * `cancelled` aborts when the client goes away.
 */
export type StreamHandler<Req, Res> = (
  call: CallContext,
  request: Req,
  send: (message: Res) => Promise<void>,
  cancelled: AbortSignal,
) => Promise<void>;

/** `unary` for server streams: the stream ends with OK after the handler, or with what it threw. */
export function serverStream<Req, Res>(
  handler: StreamHandler<Req, Res>,
): handleServerStreamingCall<Req, Res> {
  return (call) => {
    const cancelled = new AbortController();
    call.on('cancelled', () => cancelled.abort(new Error('the client cancelled the call')));
    const send = (message: Res) =>
      new Promise<void>((resolve, reject) => {
        if (cancelled.signal.aborted) return reject(cancelled.signal.reason);
        if (call.write(message)) return resolve();
        call.once('drain', resolve);
      });
    void inCallContext(call, (ctx) => handler(ctx, call.request, send, cancelled.signal)).then(
      () => call.end(),
      (error: unknown) => {
        if (!cancelled.signal.aborted) call.emit('error', toServiceError(error));
      },
    );
  };
}

type IncomingCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>;

/**
 * Authenticates the call, takes a request from its space's rate limit and runs `work` in its log
 * context; failures are logged unless expected.
 */
async function inCallContext<T>(call: IncomingCall, work: (ctx: CallContext) => Promise<T>): Promise<T> {
  const mounted = serverScope.getStore();
  // Without the server's key resolver nobody can be authenticated: refuse instead of guessing.
  if (!mounted) throw new Error(`${call.getPath()} is not mounted on a Prism gRPC server`);
  const scope = mounted;
  const context: RequestContext = { traceId: '' };
  const logger = scope.logger.child({ method: call.getPath() });
  // The call's server span: a child of the caller's traceparent, the parent of what the call causes.
  const inServerSpan = (work: (traceparent: string) => Promise<T>) =>
    inSpan(call.getPath(), SpanKind.SERVER, firstValue(call.metadata, 'traceparent'), work, {
      'rpc.system': 'grpc',
      'rpc.method': call.getPath(),
    });
  return inServerSpan((traceparent) => {
    context.traceId = parseTraceparent(traceparent)?.traceId ?? '';
    return runInContext(context, () => handled(traceparent));
  });

  async function handled(traceparent: string): Promise<T> {
    try {
      // The context object is this call's alone, so it can learn the space once the key is checked.
      context.spaceId = await authenticate(scope.apiKeys, call.metadata);
      const decision = scope.rateLimiter?.take(context.spaceId);
      if (decision && !decision.allowed) throw new ResourceExhausted(decision.retryAfterMs);
      return await work({
        spaceId: context.spaceId,
        traceparent,
        cause: { space: context.spaceId, traceparent },
        logger,
        deadline: deadlineOf(call),
        metadata: call.metadata,
      });
    } catch (error) {
      if (error instanceof PrismError) throw error;
      const outage = outageOf(error);
      if (outage) {
        logger.warn({ err: error }, 'storage or messaging out of reach; answered UNAVAILABLE');
        throw outage;
      }
      logger.error({ err: error }, 'handler failed');
      throw error;
    }
  }
}

// grpc-js reports "no deadline" as Infinity, and a deadline as either a Date or epoch milliseconds.
function deadlineOf(call: IncomingCall): Date | undefined {
  const deadline = call.getDeadline();
  if (deadline instanceof Date) return deadline;
  return Number.isFinite(deadline) ? new Date(deadline) : undefined;
}

/** Validates a request message; a mismatch is INVALID_ARGUMENT naming the proto fields. */
export function parseRequest<T>(schema: z.ZodType<T>, request: unknown): T {
  const result = schema.safeParse(request);
  if (!result.success) throw new InvalidArgument(fieldViolationsFromZod(result.error));
  return result.data;
}
