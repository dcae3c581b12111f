import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planAudience } from '@prism/audience-sync/testing/specs.js';
import { connectBus } from '@prism/bus';
import { callUnary } from '@prism/grpc';
import { generatePopulation } from '@prism/population';
import { createProfileSpace } from '@prism/profile/testing/starter.js';
import { eventually } from '@prism/testing';
import { keyOf } from '@prism/testing/world';
import { assertConverged, convergence, type StreamTotals } from '../convergence/agreement.js';
import { ClickLoad } from './click-load.js';
import { type ChaosCluster, SERVICES, SPACE, SUBJECT_PREFIX, startChaosCluster } from './cluster.js';
import { deadLetters } from './dead-letters.js';
import { eventsExactlyOnce } from './events-once.js';
import { type FaultFigure, inject, ROUND } from './faults.js';
import { type ChaosFigures, machine } from './figures.js';
import { IngestLoad } from './ingest.js';
import { CHAOS_AUDIENCE_KEY, checkMemberships, type MembershipFigures } from './memberships.js';
import { processWorld } from './process-world.js';
import { startChaosServers } from './servers.js';

/**
 * One chaos run (issue 15): the five services and their own NATS and Mongo-wire server; load
 * (ingest, step-3 clicks, a live audience) while each service, NATS and the Mongo-wire server is
 * killed with -9 and restarted in turn; then the end-of-run checks, once the system settled.
 */

export interface ChaosOptions {
  mode: 'short' | 'full';
  /** Rounds of faults: every service, NATS, the Mongo-wire server, in turn. */
  rounds: number;
  /** Load before each fault and after the last. */
  loadMs: number;
  seed: number;
  people: number;
  /** Concurrent ingest senders. */
  senders: number;
}

export interface ChaosResult {
  figures: ChaosFigures;
  /** Each check that failed, in words; empty when the run lost nothing. */
  failures: string[];
}

const START_TIMEOUT_MS = 90_000;
const SETTLE_TIMEOUT_MS = 60_000;

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const started = Date.now();
  const servers = await startChaosServers();
  const exportDir = await mkdtemp(join(tmpdir(), 'prism-chaos-exports-'));
  let cluster: ChaosCluster | undefined;
  try {
    cluster = await startChaosCluster(servers, exportDir);
    return await underLoad(options, cluster, servers, started);
  } catch (error) {
    for (const name of SERVICES) console.error(`--- ${name}\n${cluster?.logs(name).slice(-4_000)}`);
    throw error;
  } finally {
    await cluster?.stop();
    await servers.stop();
    await rm(exportDir, { recursive: true, force: true });
  }
}

async function underLoad(
  options: ChaosOptions,
  cluster: ChaosCluster,
  servers: Awaited<ReturnType<typeof startChaosServers>>,
  started: number,
): Promise<ChaosResult> {
  const say = progress(started);
  for (const name of SERVICES) cluster.start(name);
  await eventually(
    async () => ((await Promise.all(SERVICES.map(cluster.answers))).every(Boolean) ? true : undefined),
    START_TIMEOUT_MS,
  );
  say('services answer');
  const bus = await connectBus({ servers: servers.natsUrl, name: 'chaos-checker', prefix: SUBJECT_PREFIX });
  const { writeKey } = await createProfileSpace(cluster.profileAddress, SPACE);
  const people = [...generatePopulation({ seed: options.seed, size: options.people, now: new Date() })];
  const ingest = new IngestLoad(cluster.trackingUrl, writeKey, people);
  await ingest.plantPopulation();
  await profilesExported(cluster, options.people);
  say(`${options.people} profiles planted`);
  const { audience } = cluster.clients;
  await callUnary(audience, audience.createAudience, keyOf(SPACE), {
    spec: planAudience(CHAOS_AUDIENCE_KEY, 'Chaos pro'),
  });
  const { world, close } = await processWorld(cluster, servers.mongoUrl, bus);
  try {
    const clicks = new ClickLoad(world, options.seed);
    await clicks.prepare();
    say('campaigns prepared; load starts');
    ingest.start(options.senders);
    clicks.start();
    const faults: FaultFigure[] = [];
    for (let round = 0; round < options.rounds; round++) {
      for (const fault of ROUND) {
        await pause(options.loadMs);
        const figure = await inject(fault, { cluster, servers, ingest });
        say(`${figure.fault}: recovered in ${figure.recoveryMs} ms`);
        faults.push(figure);
      }
    }
    await pause(options.loadMs);
    await Promise.all([
      clicks.stop().then(() => say('clicks stopped')),
      ingest.stop().then(() => say('ingest stopped')),
    ]);
    const loadStopped = Date.now();

    const failures: string[] = clicks.wrongAnswers.map((answer) => `wrong answer to a click: ${answer}`);
    const events = await eventsExactlyOnce(cluster.clients.profile, ingest.accepted);
    say(`events checked: ${events.lost.length} lost, ${events.duplicated.length} duplicated`);
    let totals: StreamTotals = { personasCleared: 0, segmentsGenerated: 0, segmentsCleared: 0 };
    try {
      await convergence(world, clicks.campaigns);
      totals = await assertConverged(world, clicks.campaigns);
    } catch (error) {
      failures.push(`campaign agreement: ${(error as Error).message}`);
    }
    say(`campaign agreement checked${failures.length ? ' (failed)' : ''}`);
    const memberships = await settledMemberships(world, bus);
    say('memberships checked');
    const letters = await deadLetters(bus);
    if (events.lost.length > 0) failures.push(`accepted events in no profile: ${events.lost.join(', ')}`);
    if (events.duplicated.length > 0)
      failures.push(`events twice in a profile: ${events.duplicated.join(', ')}`);
    if (memberships.repeated.length > 0)
      failures.push(`membership changes repeated: ${memberships.repeated.join('; ')}`);
    if (memberships.disagreeing.length > 0)
      failures.push(`published membership disagrees with members: ${memberships.disagreeing.join(', ')}`);
    if (memberships.chaosAudienceWrong.length > 0)
      failures.push(`chaos audience wrong for: ${memberships.chaosAudienceWrong.join(', ')}`);
    if (letters.length > 0) failures.push(`dead letters: ${letters.length}`);
    await bus.close();
    const figures: ChaosFigures = {
      mode: options.mode,
      date: new Date(started).toISOString(),
      machine: machine(),
      durationMs: Date.now() - started,
      seed: options.seed,
      ingest: ingest.figures(),
      clicks: clicks.figures(),
      faults,
      events: {
        checked: events.checked,
        lost: events.lost.length,
        duplicated: events.duplicated.length,
        settledMs: Date.now() - loadStopped,
      },
      campaigns: { count: clicks.campaigns.length, ...totals },
      memberships: {
        changes: memberships.changes,
        audiences: memberships.audiences,
        repeated: memberships.repeated.length,
        disagreeing: memberships.disagreeing.length,
        chaosAudienceWrong: memberships.chaosAudienceWrong.length,
      },
      deadLetters: letters,
      lost: events.lost.length + memberships.disagreeing.length + memberships.chaosAudienceWrong.length,
    };
    return { figures, failures };
  } finally {
    await close();
  }
}

/** The memberships once audience-sync has caught up with the profiles (or the bound passed). */
async function settledMemberships(
  world: Parameters<typeof checkMemberships>[0],
  bus: Parameters<typeof checkMemberships>[1],
): Promise<MembershipFigures> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const figures = await checkMemberships(world, bus);
    const settled = figures.disagreeing.length === 0 && figures.chaosAudienceWrong.length === 0;
    if (settled || Date.now() > deadline) return figures;
    await pause(500);
  }
}

async function profilesExported(cluster: ChaosCluster, people: number): Promise<void> {
  const { profile } = cluster.clients;
  await eventually(async () => {
    for await (const batch of profile.exportProfiles({ traitKeys: ['age'], batchSize: 1000 }, keyOf(SPACE)))
      return Number(batch.total) === people ? true : undefined;
    return undefined;
  }, START_TIMEOUT_MS);
}

/** Progress on stderr, seconds since the start: a long run shows where it is. */
const progress = (started: number) => (what: string) =>
  console.error(`[chaos] ${((Date.now() - started) / 1000).toFixed(1)} s ${what}`);

/** The load runs meanwhile: this is how long it runs between faults, not a wait for a result. */
const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));
