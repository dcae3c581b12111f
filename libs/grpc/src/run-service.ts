import type { Logger } from '@prism/log';

/**
 * Keeps a service process alive until SIGINT or SIGTERM, then stops it gracefully and exits.
 * Ctrl-C in a terminal signals the whole process group and `npm start` then also sends
 * SIGTERM: the first signal starts the shutdown, later ones are ignored.
 */
export function stopOnSignals(service: { stop(): Promise<void> }, logger: Logger): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
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
