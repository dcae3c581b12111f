/**
 * The one service template every Prism service runs on: Mongo and its repositories, NATS and its
 * streams, the outbox relay, the service's gRPC services, consumers and background parts, the
 * gRPC server with health and reflection, metrics, and a stop order that lets work in flight finish.
 *
 * Main entry points: a service describes itself as a `ServiceModule` in its app.ts; its main.ts is
 * `await runService(module)`, and tests and benchmarks start it in-process with `startService`.
 *
 * @module
 */
export { runService } from './run-service.js';
export type {
  RunningOutboxService,
  RunningService,
  ServiceModule,
  ServiceParts,
  ServiceRuntime,
} from './service-module.js';
export { startService } from './start-service.js';
