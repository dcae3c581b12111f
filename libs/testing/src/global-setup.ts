import { resolveInfrastructure } from '@prism/infra';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    natsUrl: string;
    mongoUrl: string;
  }
}

/** Vitest global setup: one real NATS and Mongo-wire server for the whole run. */
export default async function setup(project: TestProject) {
  const infra = await resolveInfrastructure();
  console.log(`[prism-testing] NATS ${infra.natsUrl}, Mongo-wire ${infra.mongoUrl} (${infra.source})`);
  project.provide('natsUrl', infra.natsUrl);
  project.provide('mongoUrl', infra.mongoUrl);
  return () => infra.release();
}
