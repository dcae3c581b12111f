import { type ServiceError, status } from '@grpc/grpc-js';
import { callUnary, channelCredentials } from '@prism/grpc';
import { createLogger } from '@prism/log';
import { PersonaServiceClient, PersonaSpec } from '@prism/proto/prism/persona/v1/persona';
import { StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import type { RunningStrategyService } from '@prism/strategy/app';
import { strategyStarter } from '@prism/strategy/testing/starter.js';
import { failureOf, isolatedInfra, selfSignedCertificate, type TestCertificate } from '@prism/testing';
import { keyOf, TEST_API_KEYS } from '@prism/testing/world';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPersonaService } from './app.js';
import { personaStarter } from './testing/starter.js';

const infra = isolatedInfra();
const logger = createLogger('tls-test', { level: 'silent' });
const env = {
  NATS_URL: infra.natsUrl,
  MONGO_URL: infra.mongoUrl,
  PRISM_SUBJECT_PREFIX: infra.subjectPrefix,
  PRISM_API_KEYS: `acme:${TEST_API_KEYS.acme}`,
};

let certificate: TestCertificate;
let strategy: RunningStrategyService;
let persona: RunningPersonaService;
let personaWithoutCa: RunningPersonaService;
const closers: { close(): void }[] = [];

/** A persona service calling the TLS strategy service, with `tlsEnv` of its own. */
function startPersona(tlsEnv: Record<string, string>, db: string) {
  const addresses = { strategy: `127.0.0.1:${strategy.port}` };
  return personaStarter.start({ env: { ...env, ...tlsEnv }, db: infra.databaseFor(db), addresses }, logger);
}

function clientOf<C extends { close(): void }>(make: (address: string) => C, port: number): C {
  const made = make(`127.0.0.1:${port}`);
  closers.push(made);
  return made;
}

const trusting = () => channelCredentials({ PRISM_TLS_CA_FILE: certificate.cert });
const strategyClient = (channel = trusting()) =>
  clientOf((address) => new StrategyServiceClient(address, channel), strategy.port);
const createStrategy = (client: StrategyServiceClient) =>
  callUnary(client, client.createStrategy, keyOf('acme'), {
    spec: { name: 'Spring running push', brand: 'Stride', products: [], objectives: [], profileSpaceId: '' },
  });
const createPersona = (client: PersonaServiceClient, strategyId: string) =>
  callUnary(client, client.createPersona, keyOf('acme'), {
    spec: PersonaSpec.fromPartial({ strategyId, name: 'Nora' }),
  });

beforeAll(async () => {
  certificate = await selfSignedCertificate();
  strategy = await strategyStarter.start(
    { env: { ...env, ...certificate.env }, db: infra.databaseFor('strategy'), addresses: {} },
    logger,
  );
  persona = await startPersona(certificate.env, 'persona');
  personaWithoutCa = await startPersona({}, 'persona_plain');
});

afterAll(async () => {
  for (const closer of closers) closer.close();
  await personaWithoutCa?.stop();
  await persona?.stop();
  await strategy?.stop();
  certificate?.remove();
  await infra.cleanup();
});

describe('services configured with a certificate', () => {
  it('answers a TLS client that trusts the CA', async () => {
    const { strategy: created } = await createStrategy(strategyClient());
    expect(created?.spec?.name).toBe('Spring running push');
  });

  it('fails a plaintext client', async () => {
    const error = await failureOf<ServiceError>(createStrategy(strategyClient(channelCredentials({}))));
    expect(error.code).toBe(status.UNAVAILABLE);
  });

  it('call each other over TLS when given the CA: persona asks strategy', async () => {
    const client = clientOf((address) => new PersonaServiceClient(address, trusting()), persona.port);
    // A strategy no event announced: persona must ask strategy's API, which answers NOT_FOUND.
    const error = await failureOf<ServiceError>(createPersona(client, 'strat_unknown'));
    expect([error.code, error.details]).toEqual([
      status.FAILED_PRECONDITION,
      expect.stringContaining('strat_unknown'),
    ]);
    const { strategy: created } = await createStrategy(strategyClient());
    const { persona: made } = await createPersona(client, created?.id ?? '');
    expect(made?.spec?.strategyId).toBe(created?.id);
  });

  it('cannot reach a TLS service without the CA: UNAVAILABLE naming it', async () => {
    const client = clientOf(
      (address) => new PersonaServiceClient(address, channelCredentials({})),
      personaWithoutCa.port,
    );
    const error = await failureOf<ServiceError>(createPersona(client, 'strat_unknown'));
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(error.details).toMatch(/^strategy service unavailable at 127\.0\.0\.1:/);
  });
});
