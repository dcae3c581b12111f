import { exitOnConfigError, loadConfig } from '@prism/config';
import { stopOnSignals } from '@prism/grpc';
import { createLogger } from '@prism/log';
import { startStrategyService } from './app.js';
import { strategyConfigSchema } from './config.js';

const config = exitOnConfigError(() => loadConfig(strategyConfigSchema));
const logger = createLogger('strategy', { level: config.LOG_LEVEL });
const service = await startStrategyService(config, logger);

stopOnSignals(service, logger);
