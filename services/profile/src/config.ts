import { commonEnv, port } from '@prism/config';
import { z } from 'zod';

const seconds = (fallback: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,7}$/, 'expected whole seconds')
    .transform(Number)
    .pipe(z.number().min(1).max(max))
    .default(fallback);

export const profileConfigSchema = z.object({
  ...commonEnv,
  PROFILE_GRPC_HOST: z.string().default('127.0.0.1'),
  // 0 lets the OS pick a free port (tests); the bound port is logged.
  PROFILE_GRPC_PORT: port(50054, { allowZero: true }),
  // The Segment-compatible HTTP Tracking API.
  PROFILE_HTTP_PORT: port(8088, { allowZero: true }),
  PROFILE_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('prism_profile'),
  // The operator key: creates and lists spaces (SpaceService). Unset = no operator access.
  PRISM_ADMIN_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  // How long JetStream remembers a messageId to drop a resent message.
  INGEST_DEDUPE_WINDOW_S: seconds(600, 86_400),
  // How often windowed computed traits are expired without new events.
  PROFILE_SWEEP_INTERVAL_S: seconds(60, 86_400),
  // Names this writer's outbox slot; one writer applies each space's batches.
  PROFILE_WRITER: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/)
    .default('main'),
  // Profiles of a space kept in memory (least recently used go first); the rest are read by _id.
  PROFILE_CACHE_PROFILES: z
    .string()
    .regex(/^\d{1,8}$/)
    .transform(Number)
    .pipe(z.number().min(100))
    .default(10_000),
  // Days of raw events kept per profile, as Segment's Profile API keeps 14; 0 keeps everything.
  PROFILE_HISTORY_RETENTION_DAYS: z
    .string()
    .regex(/^\d{1,5}$/)
    .transform(Number)
    .default(14),
  // Ingestion stream messages (a request's batch each) held at once: bounds memory, not speed.
  INGEST_IN_FLIGHT: z
    .string()
    .regex(/^\d{1,5}$/)
    .transform(Number)
    .pipe(z.number().min(1).max(5000))
    .default(256),
});

export type ProfileConfig = z.infer<typeof profileConfigSchema>;
