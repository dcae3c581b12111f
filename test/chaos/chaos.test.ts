import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printFigures, writeFigures } from './figures.js';
import { type ChaosOptions, runChaos } from './run.js';

/**
 * The reliability suite (issue 15). `npm test` runs the short version: one round of faults
 * (each service, NATS, the Mongo-wire server, once) with a little load between them.
 * `npm run chaos` (PRISM_CHAOS=full) runs several rounds with more load between faults and
 * writes its figures to reports/chaos.json.
 */

const FULL = process.env.PRISM_CHAOS === 'full';
const SEED = Number(process.env.CHAOS_SEED ?? Date.now() % 2 ** 31);
const OPTIONS: ChaosOptions = FULL
  ? {
      mode: 'full',
      rounds: Number(process.env.CHAOS_ROUNDS ?? 3),
      loadMs: 5_000,
      seed: SEED,
      people: 80,
      senders: 3,
    }
  : { mode: 'short', rounds: 1, loadMs: 1_500, seed: SEED, people: 60, senders: 2 };
const REPORT = resolve(import.meta.dirname, '../../reports/chaos.json');

describe('the reliability suite', () => {
  it(
    'loses nothing and applies nothing twice while each service, NATS and the Mongo-wire server is killed and restarted under load',
    async () => {
      const { figures, failures } = await runChaos(OPTIONS);
      console.log(printFigures(figures));
      if (FULL) writeFigures(REPORT, figures);
      expect(failures).toEqual([]);
      expect(figures.lost).toBe(0);
      expect(figures.ingest.accepted).toBe(figures.ingest.sent);
    },
    FULL ? 1_800_000 : 600_000,
  );
});
