import { commonEnv, port } from '@prism/config';
import { z } from 'zod';

export const strategyConfigSchema = z.object({
  ...commonEnv,
  STRATEGY_GRPC_HOST: z.string().default('127.0.0.1'),
  // 0 lets the OS pick a free port (tests); the bound port is logged.
  STRATEGY_GRPC_PORT: port(50051, { allowZero: true }),
  STRATEGY_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('prism_strategy'),
});

export type StrategyConfig = z.infer<typeof strategyConfigSchema>;
