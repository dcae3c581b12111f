import { commonEnv, grpcAddress, port } from '@prism/config';
import { z } from 'zod';

export const personaConfigSchema = z.object({
  ...commonEnv,
  PERSONA_GRPC_HOST: z.string().default('127.0.0.1'),
  // 0 lets the OS pick a free port (tests); the bound port is logged.
  PERSONA_GRPC_PORT: port(50052, { allowZero: true }),
  PERSONA_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('prism_persona'),
  // host:port of the strategy service, asked when the event projections may lag.
  STRATEGY_GRPC_ADDR: grpcAddress('127.0.0.1:50051'),
  // host:port of audience-sync, asked how many profiles match each listed persona.
  AUDIENCE_GRPC_ADDR: grpcAddress('127.0.0.1:50055'),
});

export type PersonaConfig = z.infer<typeof personaConfigSchema>;
