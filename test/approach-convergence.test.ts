import { type ServiceError, status } from '@grpc/grpc-js';
import { deadLetterStreamName, type PrismEvent, streamName } from '@prism/bus';
import { AudienceApproach, type Campaign } from '@prism/proto/prism/strategy/v1/strategy';
import { approachCodec } from '@prism/proto/vocabulary';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  call,
  consumerIdle,
  keyOf,
  type PersonaHarness,
  startPersonaHarness,
} from '../services/persona/src/testing/harness.js';
import { type Api, apiOf, personaSpec } from '../services/persona/src/testing/scenario.js';
import {
  PERSONAS_PER_STRATEGY,
  STRATEGIES,
  type Start,
  type Step,
  scenarioArb,
} from './convergence/scenario.js';

/**
 * ARCHITECTURE §2, property-based: random racing step-3 clicks (approach switches, strategy
 * switches, persona selections, stale epochs included) with persona service restarts in
 * between, then every service agrees on each campaign's last epoch and no clear happened twice.
 * Covers the services that exist: strategy and persona.
 */

const SPACE = 'acme';
const NUM_RUNS = Number(process.env.CONVERGENCE_RUNS ?? 20);
const SEED = Number(process.env.CONVERGENCE_SEED ?? Date.now() % 2 ** 31);
const CONVERGENCE_TIMEOUT_MS = 15_000;
const { AUDIENCE_APPROACH_NONE: NONE, AUDIENCE_APPROACH_STRATEGY_PERSONAS: PERSONAS } = AudienceApproach;
/** What a racing click may legitimately get back; anything else (INTERNAL, UNAVAILABLE, …) is a failure. */
const EXPECTED_REJECTIONS = new Set<number>([
  status.ABORTED,
  status.FAILED_PRECONDITION,
  status.INVALID_ARGUMENT,
]);

// ---------------------------------------------------------------------------------------------
// Both services in-process on one isolated infra (the persona harness); the persona service is
// restarted on the same database and subject prefix (its durable consumers resume).

let svc: { h: PersonaHarness; api: Api };

/** `replay` also deletes the campaign consumer's durable: every campaign event ever published comes again. */
async function restartPersona(replay: boolean): Promise<void> {
  const { h } = svc;
  await h.restartPersona(async () => {
    if (replay) await h.bus.jsm.consumers.delete(streamName(h.bus.prefix, 'strategy'), 'persona_campaigns');
  });
  svc.api = apiOf(h);
}

const getCampaign = (campaignId: string) =>
  call(svc.h.strategyClient, svc.h.strategyClient.getCampaign, keyOf(SPACE), { campaignId }).then(
    (r) => r.campaign!,
  );

// ---------------------------------------------------------------------------------------------
// ---------------------------------------------------------------------------------------------
// Running it like a frontend would: each client remembers what it last read of the campaign.

interface StrategyFixture {
  id: string;
  personaIds: string[];
}

interface CampaignClient {
  id: string;
  /** What this client last read of the campaign (its epoch is what it sends). */
  known: Pick<Campaign, 'strategyId' | 'approach' | 'epoch'>;
}

let strategies: StrategyFixture[] = [];

const viewOf = (campaign: Campaign): CampaignClient['known'] => ({
  strategyId: campaign.strategyId,
  approach: campaign.approach,
  epoch: campaign.epoch,
});

const approachName = (approach: AudienceApproach) => approachCodec.fromProto(approach) ?? 'UNSPECIFIED';

function describeStep(step: Step): string {
  const where = `c${step.campaign}`;
  const stale = step.stale > 0 ? ` (epoch -${step.stale})` : '';
  switch (step.kind) {
    case 'approach':
      return `${where} SetAudienceApproach ${approachName(step.approach)}${stale}`;
    case 'strategy':
      return `${where} SelectStrategy s${step.strategy}${stale}`;
    case 'select':
      return `${where} SelectCampaignPersonas ${step.strategy === null ? 'own' : `s${step.strategy}`}[${step.personas}]${stale}`;
  }
}

async function prepareCampaign(start: Start): Promise<CampaignClient> {
  const { api } = svc;
  let campaign = await api.createCampaign();
  if (start.strategy !== null) {
    campaign = await api.selectStrategy(campaign.id, strategies[start.strategy]!.id, campaign.epoch);
    if (start.approach !== NONE)
      campaign = await api.setApproach(campaign.id, start.approach, campaign.epoch);
    if (start.approach === PERSONAS) {
      const ids = start.personas.map((i) => strategies[start.strategy!]!.personaIds[i]!);
      await api.select(campaign.id, ids, campaign.epoch);
    }
  }
  return { id: campaign.id, known: viewOf(campaign) };
}

/** One click; resolves with its outcome, rejects only with an unexpected failure. */
async function runStep(step: Step, campaigns: CampaignClient[]): Promise<string> {
  const { api } = svc;
  const client = campaigns[step.campaign]!;
  const epoch = Math.max(1, client.known.epoch - step.stale);
  try {
    switch (step.kind) {
      case 'approach': {
        client.known = viewOf(await api.setApproach(client.id, step.approach, epoch));
        return `OK epoch ${client.known.epoch}`;
      }
      case 'strategy': {
        client.known = viewOf(await api.selectStrategy(client.id, strategies[step.strategy]!.id, epoch));
        return `OK epoch ${client.known.epoch}`;
      }
      case 'select': {
        const own = strategies.findIndex((s) => s.id === client.known.strategyId);
        const strategy = strategies[step.strategy ?? Math.max(own, 0)]!;
        const ids = step.personas.map((i) => strategy.personaIds[i]!);
        const selection = await api.select(client.id, ids, epoch);
        expect(selection.epoch).toBe(epoch);
        expect(selection.personas.map((p) => p.id)).toEqual(ids);
        return `OK epoch ${epoch}`;
      }
    }
  } catch (error) {
    const code = (error as Partial<ServiceError>).code;
    if (code === undefined || !EXPECTED_REJECTIONS.has(code)) throw error;
    // A frontend told its epoch is stale reloads the campaign.
    if (code === status.ABORTED) client.known = viewOf(await getCampaign(client.id));
    return `${status[code]} (sent epoch ${epoch})`;
  }
}

/** Every `campaign.personas.cleared` in the persona stream, read with a throwaway ordered consumer. */
async function clearedEvents(): Promise<PrismEvent[]> {
  const { bus } = svc.h;
  const stream = streamName(bus.prefix, 'persona');
  const filter = `${bus.prefix}.*.campaign.personas.cleared`;
  const info = await bus.jsm.streams.info(stream, { subjects_filter: filter });
  const total = Object.values(info.state.subjects ?? {}).reduce((sum, n) => sum + n, 0);
  if (total === 0) return [];
  const consumer = await bus.js.consumers.get(stream, { filterSubjects: filter });
  const events: PrismEvent[] = [];
  for await (const msg of await consumer.fetch({ max_messages: total, expires: 5_000 })) {
    events.push(msg.json<PrismEvent>());
  }
  expect(events).toHaveLength(total);
  return events;
}

/** Every campaign's last epoch has reached the persona projection, and nothing is left to consume. */
async function settled(campaigns: CampaignClient[]): Promise<void> {
  for (const { id } of campaigns) {
    const truth = await getCampaign(id);
    const seen = await svc.h.persona.repos.campaignStates.find(SPACE, id);
    expect(seen, `persona's projection of ${id}`).toEqual({
      approach: approachCodec.fromProto(truth.approach),
      epoch: truth.epoch,
      ...(truth.strategyId && { strategyId: truth.strategyId }),
    });
  }
  expect(await consumerIdle(svc.h, 'strategy', 'persona_campaigns')).toBe(true);
}

/** Bounded wait until `settled`. */
const convergence = (campaigns: CampaignClient[]) =>
  vi.waitFor(() => settled(campaigns), { timeout: CONVERGENCE_TIMEOUT_MS, interval: 50 });

/** The §2 agreement, checked once everything is consumed and published. */
async function assertConverged(campaigns: CampaignClient[]): Promise<number> {
  while ((await svc.h.persona.relay.drainOnce()) > 0) {
    /* publish whatever the consumers queued */
  }
  for (const { id } of campaigns) {
    const truth = await getCampaign(id);
    const view = await svc.api.selection(id);
    const stored = await svc.h.persona.repos.selections.find(SPACE, id);
    if (truth.approach !== PERSONAS) expect(view.personas, `${id}: selection outside personas`).toEqual([]);
    if (view.personas.length > 0) {
      expect(view.epoch, `${id}: selection epoch`).toBe(truth.epoch);
      for (const persona of view.personas) {
        expect(persona.spec?.strategyId, `${id}: persona of another strategy`).toBe(truth.strategyId);
      }
    }
    // No selection from an older epoch survives, and none claims an epoch the campaign never had.
    if (stored) {
      expect(stored.epoch, `${id}: stored selection epoch`).toBeLessThanOrEqual(truth.epoch);
      if (stored.personaIds.length > 0) {
        expect(
          { epoch: stored.epoch, strategyId: stored.strategyId, approach: approachName(truth.approach) },
          `${id}: stored selection`,
        ).toEqual({ epoch: truth.epoch, strategyId: truth.strategyId, approach: 'STRATEGY_PERSONAS' });
      }
    }
  }
  // Each (campaign, epoch) is cleared at most once, however often events were redelivered.
  const cleared = await clearedEvents();
  const keys = cleared.map((event) => `${event.subject}@${event.prismepoch}`);
  const twice = keys.filter((key, i) => keys.indexOf(key) !== i);
  expect(twice, 'campaign.personas.cleared published twice').toEqual([]);
  // A consumer that gave up on an event would have lost an epoch.
  const dlq = await svc.h.bus.jsm.streams.info(deadLetterStreamName(svc.h.bus.prefix));
  expect(dlq.state.messages, 'dead-lettered events').toBe(0);
  return cleared.length;
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  const h = await startPersonaHarness();
  svc = { h, api: apiOf(h) };
  const { api } = svc;
  for (let s = 0; s < STRATEGIES; s++) {
    const strategy = await api.createStrategy(`Strategy ${s}`);
    const personaIds: string[] = [];
    for (let p = 0; p < PERSONAS_PER_STRATEGY; p++) {
      personaIds.push((await api.createPersona(personaSpec(strategy.id, { name: `S${s} persona ${p}` }))).id);
    }
    strategies.push({ id: strategy.id, personaIds });
  }
  // The strategy service offers personas only once it has counted them from persona.created.
  await vi.waitFor(
    async () => {
      for (const { id } of strategies) {
        expect((await api.getStrategy(id)).personaCount).toBe(PERSONAS_PER_STRATEGY);
      }
    },
    { timeout: 10_000, interval: 20 },
  );
});

afterAll(async () => {
  await svc?.h.stop();
  strategies = [];
});

describe('campaign approach switch (ARCHITECTURE §2)', () => {
  it('converges on the last epoch after racing clicks, stale epochs and persona restarts', async () => {
    const stats = {
      sequences: 0,
      groups: 0,
      steps: 0,
      resumes: 0,
      replays: 0,
      outcomes: new Map<string, number>(),
    };
    let clearedTotal = 0;
    const started = Date.now();
    try {
      await fc.assert(
        fc.asyncProperty(scenarioArb, async (scenario) => {
          stats.sequences++;
          const trace: string[] = [];
          try {
            const campaigns = await Promise.all(scenario.starts.map(prepareCampaign));
            trace.push(
              ...campaigns.map(
                (c, i) =>
                  `c${i} = ${c.id} starts at epoch ${c.known.epoch}, ${approachName(c.known.approach)}`,
              ),
            );
            for (const group of scenario.groups) {
              stats.groups++;
              stats.steps += group.steps.length;
              const results = await Promise.allSettled(group.steps.map((step) => runStep(step, campaigns)));
              results.forEach((result, i) => {
                const outcome =
                  result.status === 'fulfilled' ? result.value : `FAILED ${String(result.reason)}`;
                const key = `${group.steps[i]!.kind} ${outcome.split(' ')[0]}`;
                stats.outcomes.set(key, (stats.outcomes.get(key) ?? 0) + 1);
                trace.push(`${i === 0 ? '┌' : '├'} ${describeStep(group.steps[i]!)} → ${outcome}`);
              });
              const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
              if (failed) throw failed.reason;
              if (group.restartAfter !== 'no') {
                stats[group.restartAfter === 'replay' ? 'replays' : 'resumes']++;
                trace.push(`— persona service restarted (${group.restartAfter})`);
                await convergence(campaigns);
                await restartPersona(group.restartAfter === 'replay');
              }
            }
            await convergence(campaigns);
            clearedTotal = await assertConverged(campaigns);
          } catch (error) {
            console.log(`[approach-convergence] failing sequence (seed ${SEED}):\n${trace.join('\n')}`);
            throw error;
          }
        }),
        { numRuns: NUM_RUNS, seed: SEED, endOnFailure: true },
      );
    } finally {
      const outcomes = [...stats.outcomes]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([code, n]) => `${code} ${n}`)
        .join(', ');
      console.log(
        `[approach-convergence] seed ${SEED}: ${stats.sequences} sequences, ${stats.steps} steps ` +
          `in ${stats.groups} concurrent groups, persona restarts: ${stats.resumes} resumed, ${stats.replays} replayed; ` +
          `${clearedTotal} personas.cleared in the stream; outcomes: ${outcomes}; ${Date.now() - started} ms`,
      );
    }
  }, 150_000);
});
