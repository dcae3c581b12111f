import { exitOnConfigError, loadConfig } from '@prism/config';
import { stopOnSignals } from '@prism/grpc';
import { createLogger } from '@prism/log';
import { startSegmentsService } from './app.js';
import { segmentsConfigSchema } from './config.js';

const config = exitOnConfigError(() => loadConfig(segmentsConfigSchema));
const logger = createLogger('segment-generation', { level: config.LOG_LEVEL });
const service = await startSegmentsService(config, logger);

stopOnSignals(service, logger);
