import { createServer } from 'node:net';
import type { ServiceError } from '@grpc/grpc-js';
import { credentials, status } from '@grpc/grpc-js';
import { apiKeyMetadata, callUnary } from '@prism/grpc';
import { createLogger } from '@prism/log';
import { PersonaServiceClient, PersonaSpec } from '@prism/proto/prism/persona/v1/persona';
import { failureOf, type IsolatedInfra, isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPersonaService, startPersonaService } from './app.js';
import { personaConfigSchema } from './config.js';

const API_KEY = 'acme-key-0001';

let infra: IsolatedInfra;
let persona: RunningPersonaService;
let client: PersonaServiceClient;
let strategyAddress: string;

beforeAll(async () => {
  infra = isolatedInfra();
  strategyAddress = `127.0.0.1:${await closedPort()}`;
  persona = await startPersonaService(
    personaConfigSchema.parse({
      NATS_URL: infra.natsUrl,
      MONGO_URL: infra.mongoUrl,
      PRISM_SUBJECT_PREFIX: infra.subjectPrefix,
      PRISM_API_KEYS: `acme:${API_KEY}`,
      PERSONA_GRPC_PORT: '0',
      PERSONA_DB: infra.dbName,
      STRATEGY_GRPC_ADDR: strategyAddress,
    }),
    createLogger('persona', { level: 'silent' }),
  );
  client = new PersonaServiceClient(`127.0.0.1:${persona.port}`, credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await persona?.stop();
  await infra?.cleanup();
});

describe('persona when the strategy service is not running', () => {
  it('answers UNAVAILABLE naming the strategy service and its address, not INTERNAL', async () => {
    // A strategy its projection does not know yet: persona must ask the strategy service.
    const spec = PersonaSpec.fromPartial({ strategyId: 'strat_unknown', name: 'Nora' });
    const error = await failureOf<ServiceError>(
      callUnary(client, client.createPersona, apiKeyMetadata(API_KEY), { spec }),
    );
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(error.details).toMatch(
      new RegExp(
        `^strategy service unavailable at ${strategyAddress.replaceAll('.', '\\.')}: .*ECONNREFUSED`,
      ),
    );
  });

  it('answers UNAVAILABLE too when a selection must read the campaign from the strategy service', async () => {
    const error = await failureOf<ServiceError>(
      callUnary(client, client.selectCampaignPersonas, apiKeyMetadata(API_KEY), {
        campaignId: 'cmp_unknown',
        personaIds: ['persona_1'],
        expectedEpoch: 1,
      }),
    );
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(error.details).toContain(`strategy service unavailable at ${strategyAddress}`);
  });
});

/** A port on 127.0.0.1 nothing listens on: one the OS just handed out and we released. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
