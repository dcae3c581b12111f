import { Metadata } from '@grpc/grpc-js';
import { fuzzGrpcPackage } from '@prism/testing/fuzz';
import { keyOf } from '@prism/testing/world';
import { afterAll, beforeAll } from 'vitest';
import { type SegmentsHarness, startSegmentsHarness } from './testing/harness.js';

let harness: SegmentsHarness;
beforeAll(async () => {
  harness = await startSegmentsHarness();
});
afterAll(() => harness.stop());

fuzzGrpcPackage('prism.segments.v1', () => ({
  client: harness.segments,
  callers: [keyOf('acme'), keyOf('globex'), new Metadata()],
}));
