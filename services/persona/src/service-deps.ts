import type { StrategyLookups } from '@prism/campaign';
import type { PersonaMatchCounter } from './clients/persona-matches.js';
import type { PersonaRepositories } from './store/repositories.js';

/**
 * What the persona service's gRPC handlers are built from: a module of its own, so the persona
 * handlers and the selection handlers share it without importing each other.
 */
export interface PersonaServiceDeps {
  repos: PersonaRepositories;
  strategy: StrategyLookups;
  /** Profiles of the space matching each persona (audience-sync). */
  matches: PersonaMatchCounter;
  clock?: () => Date;
}
