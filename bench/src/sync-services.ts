import { credentials } from '@grpc/grpc-js';
import { startAudienceService } from '@prism/audience-sync/app';
import { audienceConfigSchema } from '@prism/audience-sync/config';
import { apiKeyMetadata, callUnary } from '@prism/grpc';
import type { Infrastructure } from '@prism/infra';
import type { Logger } from '@prism/log';
import { type RunningProfileService, startProfileService } from '@prism/profile/app';
import { profileConfigSchema } from '@prism/profile/config';
import { SpaceServiceClient } from '@prism/proto/prism/profile/v1/space';
import { MongoClient } from 'mongodb';
import type { BenchSpace } from './audiences.js';

const ADMIN_KEY = 'bench-operator-key-0001';

/** The configuration every service of a benchmark reads: servers, its namespace, API keys by space. */
export function commonSettings(infra: Infrastructure, prefix: string, apiKeys: Record<string, string>) {
  return {
    NATS_URL: infra.natsUrl,
    MONGO_URL: infra.mongoUrl,
    PRISM_SUBJECT_PREFIX: prefix,
    PRISM_API_KEYS: Object.entries(apiKeys)
      .map(([space, key]) => `${space}:${key}`)
      .join(','),
    LOG_LEVEL: 'warn',
  };
}

/**
 * The profile service and audience-sync in this process, on the shared servers in the
 * benchmark's namespace (databases `<dbName>_profile` and `<dbName>_audience`).
 * `audienceSettings` adds audience-sync settings (the Graph API's URL, say).
 */
export async function startSyncServices(options: {
  common: Record<string, string>;
  dbName: string;
  logger: (name: string) => Logger;
  audienceSettings?: Record<string, string>;
}) {
  const { common, dbName, logger } = options;
  const profile = await startProfileService(
    profileConfigSchema.parse({
      ...common,
      PROFILE_GRPC_PORT: '0',
      PROFILE_HTTP_PORT: '0',
      PROFILE_DB: `${dbName}_profile`,
      PRISM_ADMIN_KEY: ADMIN_KEY,
    }),
    logger('profile'),
  );
  try {
    const audiences = await startAudienceService(
      audienceConfigSchema.parse({
        ...common,
        AUDIENCE_GRPC_PORT: '0',
        AUDIENCE_DB: `${dbName}_audience`,
        PROFILE_GRPC_ADDR: `127.0.0.1:${profile.port}`,
        ...options.audienceSettings,
      }),
      logger('audience-sync'),
    );
    return { profile, audiences };
  } catch (error) {
    await profile.stop();
    throw error;
  }
}

/** Creates a profile space (operator API) for its write key; its API key is configured in `common`. */
export async function openBenchSpace(
  profile: RunningProfileService,
  space: { id: string; apiKey: string; displayName: string },
): Promise<BenchSpace> {
  const spaces = new SpaceServiceClient(`127.0.0.1:${profile.port}`, credentials.createInsecure());
  try {
    const request = { spaceId: space.id, displayName: space.displayName };
    const created = await callUnary(spaces, spaces.createSpace, apiKeyMetadata(ADMIN_KEY), request);
    const tracking = { url: `http://127.0.0.1:${profile.httpPort}`, writeKey: created.writeKey };
    return { id: space.id, metadata: apiKeyMetadata(space.apiKey), tracking };
  } finally {
    spaces.close();
  }
}

/** Drops the benchmark's databases, `<dbName>_<service>` for each service named. */
export async function dropBenchDatabases(infra: Infrastructure, dbName: string, services: string[]) {
  const mongo = await MongoClient.connect(infra.mongoUrl);
  try {
    for (const service of services) await mongo.db(`${dbName}_${service}`).dropDatabase();
  } finally {
    await mongo.close();
  }
}
