import { Metadata } from '@grpc/grpc-js';
import { fuzzGrpcPackage } from '@prism/testing/fuzz';
import { keyOf } from '@prism/testing/world';
import { afterAll, beforeAll } from 'vitest';
import { type AudienceHarness, startAudienceWorld } from './testing/harness.js';

let harness: AudienceHarness;
beforeAll(async () => {
  harness = await startAudienceWorld();
});
afterAll(() => harness.world.stop());

// AudienceService and DestinationService share the server: one client reaches both by path.
fuzzGrpcPackage('prism.audience.v1', () => ({
  client: harness.audiences(),
  callers: [keyOf('acme'), keyOf('globex'), new Metadata()],
}));
