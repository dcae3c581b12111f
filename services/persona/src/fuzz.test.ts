import { Metadata } from '@grpc/grpc-js';
import { fuzzGrpcPackage } from '@prism/testing/fuzz';
import { keyOf } from '@prism/testing/world';
import { afterAll, beforeAll } from 'vitest';
import { type PersonaHarness, startPersonaHarness } from './testing/harness.js';

let harness: PersonaHarness;
beforeAll(async () => {
  harness = await startPersonaHarness();
});
afterAll(() => harness.stop());

fuzzGrpcPackage('prism.persona.v1', () => ({
  client: harness.personaClient,
  callers: [keyOf('acme'), keyOf('globex'), new Metadata()],
}));
