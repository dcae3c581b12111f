import { AsyncLocalStorage } from 'node:async_hooks';
import type { handleUnaryCall, Metadata, ServerUnaryCall } from '@grpc/grpc-js';
import { fieldViolationsFromZod, InvalidArgument, PrismError, toServiceError } from '@prism/errors';
import {
  type Logger,
  newTraceId,
  newTraceparent,
  parseTraceparent,
  type RequestContext,
  runInContext,
} from '@prism/log';
import type { z } from 'zod';
import { type ApiKeyResolver, authenticate, firstValue } from './auth.js';

/** What a handler knows about the call it serves, beyond the request message. */
export interface CallContext {
  /** The space of the caller's API key; every read and write of the handler is scoped to it. */
  spaceId: string;
  /** This call's span in the caller's trace (or a new trace), to propagate into events and outgoing calls. */
  traceparent: string;
  logger: Logger;
  deadline?: Date;
  metadata: Metadata;
}

export type UnaryHandler<Req, Res> = (call: CallContext, request: Req) => Promise<Res>;

/** What `unary` needs from the server it is mounted on; `createGrpcServer` provides it around each call. */
export interface ServerScope {
  logger: Logger;
  apiKeys: ApiKeyResolver;
}

export const serverScope = new AsyncLocalStorage<ServerScope>();

/**
 * Adapts an async handler to grpc-js: authenticates, runs the handler in the request's log context and
 * answers whatever it throws through `toServiceError`, so a failing handler never takes the process down.
 */
export function unary<Req, Res>(handler: UnaryHandler<Req, Res>): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const scope = serverScope.getStore();
    if (!scope) {
      // Without the server's key resolver nobody can be authenticated: refuse instead of guessing.
      callback(toServiceError(new Error(`${call.getPath()} is not mounted on a Prism gRPC server`)));
      return;
    }
    const traceId = parseTraceparent(firstValue(call.metadata, 'traceparent'))?.traceId ?? newTraceId();
    const traceparent = newTraceparent(traceId);
    const context: RequestContext = { traceId };
    const logger = scope.logger.child({ method: call.getPath() });
    void runInContext(context, async () => {
      let response: Res;
      try {
        // The context object is this call's alone, so it can learn the space once the key is checked.
        context.spaceId = await authenticate(scope.apiKeys, call.metadata);
        const ctx: CallContext = {
          spaceId: context.spaceId,
          traceparent,
          logger,
          deadline: deadlineOf(call),
          metadata: call.metadata,
        };
        response = await handler(ctx, call.request);
      } catch (error) {
        if (!(error instanceof PrismError)) logger.error({ err: error }, 'handler failed');
        callback(toServiceError(error));
        return;
      }
      callback(null, response);
    });
  };
}

// grpc-js reports "no deadline" as Infinity, and a deadline as either a Date or epoch milliseconds.
function deadlineOf(call: ServerUnaryCall<unknown, unknown>): Date | undefined {
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
