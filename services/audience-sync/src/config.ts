import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commonEnv, grpcAddress, port } from '@prism/config';
import { z } from 'zod';

export const audienceConfigSchema = z.object({
  ...commonEnv,
  AUDIENCE_GRPC_HOST: z.string().default('127.0.0.1'),
  // 0 lets the OS pick a free port (tests); the bound port is logged.
  AUDIENCE_GRPC_PORT: port(50055, { allowZero: true }),
  AUDIENCE_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('prism_audience'),
  // Where event conditions become computed traits (CreateComputedTrait, with the caller's key).
  PROFILE_GRPC_ADDR: grpcAddress('127.0.0.1:50054'),
  // How often membership is snapshotted (and its change log compacted) while it changes.
  AUDIENCE_SNAPSHOT_MS: z.coerce.number().int().min(100).default(2_000),
  // A lookalike audience follows changes of its seed at most this often (a day; shorter in tests).
  AUDIENCE_LOOKALIKE_REFRESH_MS: z.coerce.number().int().min(100).default(86_400_000),
  // Where CSV destinations write their files.
  AUDIENCE_EXPORT_DIR: z.string().min(1).default(join(tmpdir(), 'prism-exports')),
  // The Graph API root Meta destinations call (a fake on loopback in tests).
  META_GRAPH_URL: z.url().default('https://graph.facebook.com/v21.0'),
  // Rows per Graph API request: Meta's cap of 10,000 unless lower (tests: many small batches).
  // Terms that also keep an audience from ad platforms, comma-separated (health and finances always do).
  AUDIENCE_SENSITIVE_TERMS: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((term) => term.trim())
        .filter(Boolean),
    ),
  META_BATCH_ROWS: z.coerce.number().int().min(1).max(10_000).default(10_000),
});

export type AudienceConfig = z.infer<typeof audienceConfigSchema>;
