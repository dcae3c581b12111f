import { Metadata } from '@grpc/grpc-js';
import { apiKeyMetadata } from '@prism/grpc';
import { fuzzGrpcPackage } from '@prism/testing/fuzz';
import { keyOf } from '@prism/testing/world';
import { afterAll, beforeAll } from 'vitest';
import { ADMIN_KEY, type ProfileHarness, startProfileHarness } from './testing/harness.js';

let harness: ProfileHarness;
beforeAll(async () => {
  harness = await startProfileHarness();
});
afterAll(() => harness.stop());

// ProfileService and SpaceService share the server; the operator key reaches SpaceService's checks.
fuzzGrpcPackage('prism.profile.v1', () => ({
  client: harness.profiles,
  callers: [keyOf('acme'), apiKeyMetadata(ADMIN_KEY), new Metadata()],
}));
