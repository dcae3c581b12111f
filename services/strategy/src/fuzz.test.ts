import { Metadata } from '@grpc/grpc-js';
import { fuzzGrpcPackage } from '@prism/testing/fuzz';
import { keyOf } from '@prism/testing/world';
import { afterAll, beforeAll } from 'vitest';
import { type StrategyHarness, startStrategyHarness } from './testing/harness.js';

let harness: StrategyHarness;
beforeAll(async () => {
  harness = await startStrategyHarness();
});
afterAll(() => harness.stop());

fuzzGrpcPackage('prism.strategy.v1', () => ({
  client: harness.client,
  callers: [keyOf('acme'), keyOf('globex'), new Metadata()],
}));
