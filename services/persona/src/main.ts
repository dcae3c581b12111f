import { exitOnConfigError, loadConfig } from '@prism/config';
import { stopOnSignals } from '@prism/grpc';
import { createLogger } from '@prism/log';
import { startPersonaService } from './app.js';
import { personaConfigSchema } from './config.js';

const config = exitOnConfigError(() => loadConfig(personaConfigSchema));
const logger = createLogger('persona', { level: config.LOG_LEVEL });
const service = await startPersonaService(config, logger);

stopOnSignals(service, logger);
