import { status } from '@grpc/grpc-js';
import { toServiceError } from '@prism/errors';
import { connectMongo, type MongoConnection } from '@prism/store';
import { isolatedInfra } from '@prism/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GenerationFields, replaceGeneration } from './generations.js';
import { openRepositories, type SegmentRepositories } from './repositories.js';

const infra = isolatedInfra();
let mongo: MongoConnection;
let repos: SegmentRepositories;

beforeAll(async () => {
  mongo = await connectMongo(infra.mongoUrl, infra.dbName);
  repos = await openRepositories(mongo.db);
});
afterAll(async () => {
  await mongo?.close();
  await infra.cleanup();
});

const generation = (epoch: number): GenerationFields => ({
  strategyId: 'strat_1',
  epoch,
  generationId: `gen_${uuidv7()}`,
  segments: [],
  populationSize: 0,
  context: '',
  updatedAt: new Date(),
});

describe('storing a generation', () => {
  it('keeps the later click’s generation of an epoch when an earlier one finishes after it', async () => {
    const earlier = generation(4);
    const later = generation(4);
    await replaceGeneration(repos, 'acme', 'cmp_race', later, []);
    const refused = await replaceGeneration(repos, 'acme', 'cmp_race', earlier, []).catch((error) => error);
    expect(toServiceError(refused).code).toBe(status.ABORTED);
    expect((await repos.campaignSegments.find('acme', 'cmp_race'))?.generationId).toBe(later.generationId);
  });

  it('replaces a generation with a later one, and any generation of an older epoch', async () => {
    const old = generation(3);
    const first = generation(4);
    await replaceGeneration(repos, 'acme', 'cmp_next', old, []);
    await replaceGeneration(repos, 'acme', 'cmp_next', first, []);
    const again = generation(4);
    await replaceGeneration(repos, 'acme', 'cmp_next', again, []);
    expect((await repos.campaignSegments.find('acme', 'cmp_next'))?.generationId).toBe(again.generationId);
  });
});
