import { exitOnConfigError, loadConfig } from '@prism/config';
import { createLogger } from '@prism/log';
import { startStrategyService } from './app.js';
import { strategyConfigSchema } from './config.js';

const config = exitOnConfigError(() => loadConfig(strategyConfigSchema));
const logger = createLogger('strategy', { level: config.LOG_LEVEL });
const service = await startStrategyService(config, logger);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
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
