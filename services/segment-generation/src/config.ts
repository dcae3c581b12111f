import { commonEnv, grpcAddress, port } from '@prism/config';
import { z } from 'zod';

export const segmentsConfigSchema = z.object({
  ...commonEnv,
  SEGMENTS_GRPC_HOST: z.string().default('127.0.0.1'),
  // 0 lets the OS pick a free port (tests); the bound port is logged.
  SEGMENTS_GRPC_PORT: port(50053, { allowZero: true }),
  SEGMENTS_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('prism_segments'),
  // Campaign and strategy checks are made with the strategy service itself (its projection may lag).
  STRATEGY_GRPC_ADDR: grpcAddress('127.0.0.1:50051'),
  // Where the strategy's linked profiles are read (ExportProfiles), with the caller's key.
  PROFILE_GRPC_ADDR: grpcAddress('127.0.0.1:50054'),
  // Optional OpenAI-compatible endpoint that rewrites segment names and copy; unset = statistical only.
  SEGMENTS_LLM_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'expected an http:// or https:// URL')
    .optional(),
  SEGMENTS_LLM_KEY: z.string().optional(),
  SEGMENTS_LLM_MODEL: z.string().default('gpt-4o-mini'),
});

export type SegmentsConfig = z.infer<typeof segmentsConfigSchema>;
