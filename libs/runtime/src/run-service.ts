import { exitOnConfigError, loadConfig } from '@prism/config';
import { createLogger, type Logger } from '@prism/log';
import { startTracing } from '@prism/telemetry';
import type { ConfigSchema, ServiceModule } from './service-module.js';
import { startService } from './start-service.js';

/**
 * A service's main: its config from the environment (a readable list of what is wrong, exit 1),
 * its logger, its start, and a graceful stop on SIGINT or SIGTERM.
 */
export async function runService<Schema extends ConfigSchema, Repos, Exposed>(
  module: ServiceModule<Schema, Repos, Exposed>,
): Promise<void> {
  const config = exitOnConfigError(() => loadConfig(module.config));
  const logger = createLogger(module.name, { level: config.LOG_LEVEL });
  // One tracer per process, exporting over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
  const tracing = await startTracing({ service: module.name });
  const service = await startService(module, config, logger);
  const stoppable = {
    async stop() {
      await service.stop();
      await tracing.shutdown();
    },
  };
  stopOnSignals(stoppable, logger);
  service.started.catch(async (err: unknown) => {
    logger.fatal({ err }, `${module.name} could not start`);
    await stoppable.stop().catch(() => undefined);
    process.exit(1);
  });
}

/**
 * The signals that stop a service. Ctrl-C in a terminal sends SIGINT to the whole process group;
 * under a launcher that stops its children itself with SIGTERM (`npm start` sets
 * PRISM_SUPERVISED=1), SIGINT is the launcher's to handle, so the terminal reads "stopping
 * services…" before any service says it is shutting down.
 */
export function stopSignals(env: NodeJS.ProcessEnv): NodeJS.Signals[] {
  return env.PRISM_SUPERVISED === '1' ? ['SIGTERM'] : ['SIGINT', 'SIGTERM'];
}

/**
 * Keeps the process alive until a stop signal, then stops the service gracefully and exits. The
 * first signal starts the shutdown, later ones are ignored; a supervised service ignores SIGINT.
 */
function stopOnSignals(service: { stop(): Promise<void> }, logger: Logger): void {
  let stopping = false;
  const signals = stopSignals(process.env);
  if (!signals.includes('SIGINT')) process.on('SIGINT', () => undefined);
  for (const signal of signals) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      service.stop().then(
        () => process.exit(0),
        (err) => {
          logger.error({ err }, 'unclean shutdown');
          process.exit(1);
        },
      );
    });
  }
}
