import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { assertConverged, convergence, type StreamTotals } from './convergence/agreement.js';
import {
  approachName,
  type CampaignClient,
  describeStep,
  prepareCampaign,
  runStep,
} from './convergence/clicks.js';
import { type Group, type Restart, type Scenario, scenarioArb } from './convergence/scenario.js';
import { restart, startWorld, type World } from './convergence/world.js';

/**
 * docs/architecture.md §3, property-based: random racing step-3 clicks (approach switches, strategy
 * switches, persona selections, segment generations, stale epochs included) with persona,
 * segment-generation and audience-sync restarts in between, then every service agrees on each
 * campaign's last epoch, nothing made under an older epoch survives, no clear or generation was
 * applied twice, and each campaign audience is a from-scratch evaluation of the last selection.
 */

const NUM_RUNS = Number(process.env.CONVERGENCE_RUNS ?? 10);
const SEED = Number(process.env.CONVERGENCE_SEED ?? Date.now() % 2 ** 31);
/** Later sequences cost more: a replaying restart redelivers every campaign event so far. */
const TIMEOUT_MS = 60_000 + NUM_RUNS * 10_000;

let world: World;

beforeAll(async () => {
  world = await startWorld();
}, 120_000);

afterAll(() => world?.h.stop());

/** What the runs did, for the summary line. */
class Tally {
  sequences = 0;
  groups = 0;
  steps = 0;
  readonly restarts = new Map<string, number>();
  readonly outcomes = new Map<string, number>();
  streams: StreamTotals = { personasCleared: 0, segmentsGenerated: 0, segmentsCleared: 0 };
  private readonly started = Date.now();

  count(map: Map<string, number>, key: string) {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  summary(): string {
    const list = (map: Map<string, number>) =>
      [...map]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, n]) => `${key} ${n}`)
        .join(', ');
    const { personasCleared, segmentsGenerated, segmentsCleared } = this.streams;
    return (
      `[approach-convergence] seed ${SEED}: ${this.sequences} sequences, ${this.steps} steps ` +
      `in ${this.groups} concurrent groups; restarts: ${list(this.restarts) || 'none'}; in the streams: ` +
      `${personasCleared} personas.cleared, ${segmentsGenerated} segments.generated, ` +
      `${segmentsCleared} segments.cleared; outcomes: ${list(this.outcomes)}; ${Date.now() - this.started} ms`
    );
  }
}

const restartName = ({ service, replay }: Restart) => `${service} ${replay ? 'replayed' : 'resumed'}`;

/** Runs a group's clicks concurrently; throws the first unexpected failure once all have ended. */
async function runGroup(group: Group, campaigns: CampaignClient[], tally: Tally, trace: string[]) {
  tally.groups++;
  tally.steps += group.steps.length;
  const results = await Promise.allSettled(group.steps.map((step) => runStep(world, step, campaigns)));
  results.forEach((result, i) => {
    const step = group.steps[i]!;
    const outcome = result.status === 'fulfilled' ? result.value : `FAILED ${String(result.reason)}`;
    tally.count(tally.outcomes, `${step.kind} ${outcome.split(' ')[0]}`);
    trace.push(`${i === 0 ? '┌' : '├'} ${describeStep(step)} → ${outcome}`);
  });
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  if (group.restartAfter) {
    tally.count(tally.restarts, restartName(group.restartAfter));
    trace.push(`— ${restartName(group.restartAfter)}`);
    // See `Restart`: only once the group's events are consumed.
    await convergence(world, campaigns);
    await restart(world, group.restartAfter);
  }
}

async function runScenario(scenario: Scenario, tally: Tally): Promise<void> {
  tally.sequences++;
  const trace: string[] = [];
  try {
    const campaigns = await Promise.all(scenario.starts.map((start) => prepareCampaign(world, start)));
    campaigns.forEach((c, i) => {
      trace.push(`c${i} = ${c.id} starts at epoch ${c.known.epoch}, ${approachName(c.known.approach)}`);
    });
    for (const group of scenario.groups) await runGroup(group, campaigns, tally, trace);
    await convergence(world, campaigns);
    tally.streams = await assertConverged(world, campaigns);
  } catch (error) {
    console.log(`[approach-convergence] failing sequence (seed ${SEED}):\n${trace.join('\n')}`);
    throw error;
  }
}

describe('campaign approach switch (docs/architecture.md §3)', () => {
  it(
    'converges on the last epoch after racing clicks, generations, stale epochs and follower restarts',
    async () => {
      const tally = new Tally();
      try {
        await fc.assert(
          fc.asyncProperty(scenarioArb, (scenario) => runScenario(scenario, tally)),
          { numRuns: NUM_RUNS, seed: SEED, endOnFailure: true },
        );
      } finally {
        console.log(tally.summary());
      }
    },
    TIMEOUT_MS,
  );
});
