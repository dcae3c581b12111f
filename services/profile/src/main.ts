import { exitOnConfigError, loadConfig } from '@prism/config';
import { stopOnSignals } from '@prism/grpc';
import { createLogger } from '@prism/log';
import { startProfileService } from './app.js';
import { profileConfigSchema } from './config.js';

const config = exitOnConfigError(() => loadConfig(profileConfigSchema));
const logger = createLogger('profile', { level: config.LOG_LEVEL });
const service = await startProfileService(config, logger);

stopOnSignals(service, logger);
