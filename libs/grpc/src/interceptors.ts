import {
  type Metadata,
  ServerInterceptingCall,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
  status,
} from '@grpc/grpc-js';
import { type Logger, newTraceId, newTraceparent, parseTraceparent } from '@prism/log';
import { Counter, Histogram, type Registry } from 'prom-client';
import { firstValue } from './auth.js';

// Probes and grpcurl would drown the request log; their lines are kept for debug level.
const QUIET_METHODS = /^\/grpc\.(health|reflection)\./;

/**
 * One line per call: method, status code, duration and trace id. A call without a valid `traceparent`
 * gets one here, so this line and everything the handler logs share a trace id.
 */
export function loggingInterceptor(logger: Logger): ServerInterceptor {
  return (method, call) => {
    let traceId: string | undefined;
    return observeCall(call, {
      onMetadata(metadata) {
        traceId = parseTraceparent(firstValue(metadata, 'traceparent'))?.traceId;
        if (traceId) return;
        traceId = newTraceId();
        metadata.set('traceparent', newTraceparent(traceId));
      },
      onEnd(code, seconds) {
        const line = {
          method: method.path,
          code: status[code],
          durationMs: Math.round(seconds * 1e4) / 10,
          traceId,
        };
        if (QUIET_METHODS.test(method.path)) logger.debug(line, 'grpc call');
        else logger.info(line, 'grpc call');
      },
    });
  };
}

/** `prism_grpc_server_handled_total{service,method,code}` and `prism_grpc_server_handling_seconds`. */
export function metricsInterceptor(registry: Registry, service: string): ServerInterceptor {
  // Reuse metrics already in the registry: a second server in the process (tests, restarts) shares them.
  const handled =
    (registry.getSingleMetric('prism_grpc_server_handled_total') as Counter<'service' | 'method' | 'code'>) ??
    new Counter({
      name: 'prism_grpc_server_handled_total',
      help: 'gRPC calls completed, by final status code.',
      labelNames: ['service', 'method', 'code'],
      registers: [registry],
    });
  const handling =
    (registry.getSingleMetric('prism_grpc_server_handling_seconds') as Histogram<'service' | 'method'>) ??
    new Histogram({
      name: 'prism_grpc_server_handling_seconds',
      help: 'Time from receiving a gRPC call to sending its status.',
      labelNames: ['service', 'method'],
      registers: [registry],
    });
  return (method, call) =>
    observeCall(call, {
      onEnd(code, seconds) {
        handled.inc({ service, method: method.path, code: status[code] });
        handling.observe({ service, method: method.path }, seconds);
      },
    });
}

interface CallObserver {
  onMetadata?(metadata: Metadata): void;
  /** Called once: with the status sent, or CANCELLED when the client went away first. */
  onEnd(code: status, seconds: number): void;
}

function observeCall(call: ServerInterceptingCallInterface, observer: CallObserver): ServerInterceptingCall {
  const started = process.hrtime.bigint();
  let ended = false;
  const end = (code: status) => {
    if (ended) return;
    ended = true;
    observer.onEnd(code, Number(process.hrtime.bigint() - started) / 1e9);
  };
  return new ServerInterceptingCall(call, {
    start: (next) =>
      next({
        onReceiveMetadata: (metadata, nextMetadata) => {
          observer.onMetadata?.(metadata);
          nextMetadata(metadata);
        },
        onCancel: () => end(status.CANCELLED),
      }),
    sendStatus: (statusObject, next) => {
      end(statusObject.code);
      next(statusObject);
    },
  });
}
