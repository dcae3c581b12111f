import {
  Server,
  type ServiceDefinition,
  type UntypedHandleCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { Logger } from '@prism/log';
import { type RateLimit, spaceRateLimiter } from '@prism/rate-limit';
import { HealthImplementation } from 'grpc-health-check';
import type { Registry } from 'prom-client';
import type { ApiKeyResolver } from './auth.js';
import { loggingInterceptor, metricsInterceptor } from './interceptors.js';
import { addReflection } from './reflection.js';
import { type ServerTls, serverCredentials } from './tls.js';
import { type ServerScope, serverScope } from './unary.js';
import { decodingWithoutThrowing, descriptorRegistry, refusedUndecodable } from './undecodable.js';

export interface GrpcServerOptions {
  /** Prism service name, e.g. `strategy`: the `service` label of the gRPC metrics. */
  service: string;
  host?: string;
  /** 0 binds a free port; `start()` returns the one bound. */
  port: number;
  logger: Logger;
  apiKeys: ApiKeyResolver;
  /** Where the gRPC metrics go; none are recorded without it. */
  metrics?: Registry;
  /** A FileDescriptorSet (`buf build` output) served by reflection: `descriptorSet()` of @prism/proto. */
  descriptorSet: Uint8Array;
  /** Requests each space may make, checked after authentication; no limit without it or at rate 0. */
  rateLimit?: RateLimit;
  /** Serve TLS with this certificate and key (health and reflection too); plaintext without it. */
  tls?: ServerTls | undefined;
}

export interface GrpcServer {
  addService<I extends UntypedServiceImplementation>(
    definition: ServiceDefinition<I>,
    implementation: I,
  ): void;
  /** Binds and serves; resolves to the bound port. Health turns SERVING for '' and every added service. */
  start(): Promise<number>;
  readonly health: HealthImplementation;
  /** NOT_SERVING, then let in-flight calls finish for up to `graceMs` before cutting them off. */
  shutdown(graceMs?: number): Promise<void>;
}

/** A grpc-js server with what every Prism service needs: auth scope, logs, metrics, health, reflection. */
export function createGrpcServer(options: GrpcServerOptions): GrpcServer {
  const {
    service,
    host = '127.0.0.1',
    port,
    logger,
    apiKeys,
    metrics,
    descriptorSet,
    rateLimit,
    tls,
  } = options;
  const interceptors = [
    loggingInterceptor(logger),
    ...(metrics ? [metricsInterceptor(metrics, service)] : []),
  ];
  const server = new Server({ interceptors });
  const rateLimiter = spaceRateLimiter(rateLimit);
  const scope: ServerScope = { logger, apiKeys, ...(rateLimiter && { rateLimiter }) };
  // '' is the whole server, the name standard health probes (grpc_health_probe, Kubernetes) ask for.
  const serviceNames = [''];
  const health = new HealthImplementation({ '': 'NOT_SERVING' });
  health.addToServer(server);

  addReflection(server, descriptorSet);
  const descriptors = descriptorRegistry(descriptorSet);

  const setStatus = (status: 'SERVING' | 'NOT_SERVING') => {
    for (const name of serviceNames) health.setStatus(name, status);
  };

  return {
    health,

    addService(definition, implementation) {
      const wrapped: UntypedServiceImplementation = {};
      // Handlers run inside the server's scope: that is how `unary` finds the key resolver and logger.
      for (const [name, handler] of Object.entries(implementation)) {
        const call = handler as (...args: unknown[]) => void;
        wrapped[name] = ((incoming: Parameters<typeof refusedUndecodable>[0], callback?: unknown) => {
          if (!refusedUndecodable(incoming, callback)) serverScope.run(scope, () => call(incoming, callback));
        }) as UntypedHandleCall;
      }
      server.addService(decodingWithoutThrowing(definition, descriptors), wrapped);
      const [method] = Object.values(definition);
      if (method) serviceNames.push(method.path.slice(1, method.path.lastIndexOf('/')));
    },

    async start() {
      const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
      const bound = await new Promise<number>((resolve, reject) =>
        server.bindAsync(address, serverCredentials(tls), (error, boundPort) =>
          error ? reject(error) : resolve(boundPort),
        ),
      );
      setStatus('SERVING');
      return bound;
    },

    async shutdown(graceMs = 10_000) {
      setStatus('NOT_SERVING');
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          logger.warn({ graceMs }, 'gRPC calls still running after the grace period; cancelling them');
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
