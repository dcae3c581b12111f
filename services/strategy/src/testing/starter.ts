import { credentials } from '@grpc/grpc-js';
import { StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import type { ServiceStarter } from '@prism/testing/world';
import { type RunningStrategyService, startStrategyService } from '../app.js';
import { strategyConfigSchema } from '../config.js';

/** The strategy service in a test world: it calls no other service. */
export const strategyStarter: ServiceStarter<RunningStrategyService, StrategyServiceClient> = {
  name: 'strategy',
  calls: [],
  start: ({ env, db }, logger) =>
    startStrategyService(
      strategyConfigSchema.parse({ ...env, STRATEGY_GRPC_PORT: '0', STRATEGY_DB: db }),
      logger,
    ),
  grpcPort: (service) => service.port,
  connect: (address) => new StrategyServiceClient(address, credentials.createInsecure()),
};
