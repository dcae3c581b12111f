import { exitOnConfigError, loadConfig } from '@prism/config';
import { createLogger } from '@prism/log';
import { startStrategyService } from './app.js';
import { strategyConfigSchema } from './config.js';

const config = exitOnConfigError(() => loadConfig(strategyConfigSchema));
const logger = createLogger('strategy', { level: config.LOG_LEVEL });
const service = await startStrategyService(config, logger);

// Ctrl-C in a terminal signals the whole process group, and `npm start` then also sends
// SIGTERM: the first signal starts the shutdown, later ones are ignored.
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
