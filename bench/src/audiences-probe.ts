import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectBus, type PrismEvent } from '@prism/bus';
import { postBatch, type Tracking } from './audiences-traffic.js';

/** The trait that puts a profile in the probe audience, and the one naming the probe. */
export const PROBE_TRAIT = { key: 'bench_probe', value: 'enter' } as const;
const PROBE_ID_TRAIT = 'bench_probe_id';

export interface ProbeCommand {
  kind: 'probe';
  tracking: Tracking;
  nats: { url: string; prefix: string };
  space: string;
  audienceKey: string;
  /** Names this run's probe users (`<run>-<n>`): every probe must be a fresh user. */
  run: string;
  everyMs: number;
  durationMs: number;
  /** How long to wait, after the last probe, for entries still to come. */
  settleMs: number;
}

/** One probe's moments, in this process's milliseconds; undefined when never seen. */
export interface ProbeTimes {
  sentAt: number;
  acceptedAt?: number;
  /** Its `profile.traits_changed` published by the profile service. */
  changedAt?: number;
  /** Its `audience.entered` published by audience-sync. */
  enteredAt?: number;
}

/**
 * Every `everyMs`, an identify of a fresh user whose traits put it in the probe audience, sent
 * alone on `/v1/batch`. Plain NATS subscriptions (no JetStream consumer in between) see the
 * moment the profile service publishes its `profile.traits_changed` and audience-sync its
 * `audience.entered`; the HTTP answer and both events are timed here, on one clock.
 */
export async function probeEntering(command: ProbeCommand): Promise<ProbeTimes[]> {
  const { nats, space } = command;
  const bus = await connectBus({ servers: nats.url, name: 'bench-audience-probe', prefix: nats.prefix });
  const probes = new Map<string, ProbeTimes>();
  const seen = (userId: unknown, moment: 'changedAt' | 'enteredAt') => {
    const probe = typeof userId === 'string' ? probes.get(userId) : undefined;
    if (probe && probe[moment] === undefined) probe[moment] = performance.now();
  };
  bus.nc.subscribe(`${nats.prefix}.${space}.profile.traits_changed`, {
    callback: (_error, msg) => {
      const { data } = msg.json<PrismEvent<{ traits?: Record<string, unknown> }>>();
      seen(data.traits?.[PROBE_ID_TRAIT], 'changedAt');
    },
  });
  bus.nc.subscribe(`${nats.prefix}.${space}.audience.${command.audienceKey}.entered`, {
    callback: (_error, msg) => {
      const { data } = msg.json<PrismEvent<{ identifiers: { type: string; value: string }[] }>>();
      seen(data.identifiers.find((identifier) => identifier.type === 'user_id')?.value, 'enteredAt');
    },
  });
  await bus.nc.flush();
  const started = performance.now();
  const sent: Promise<unknown>[] = [];
  for (let n = 0; performance.now() - started < command.durationMs; n++) {
    const userId = `${command.run}-${n}`;
    const probe: ProbeTimes = { sentAt: performance.now() };
    probes.set(userId, probe);
    sent.push(
      postBatch(command.tracking, probeBody(userId)).then(({ status }) => {
        if (status === 200) probe.acceptedAt = performance.now();
      }),
    );
    await sleep(Math.max(0, started + (n + 1) * command.everyMs - performance.now()));
  }
  await Promise.all(sent);
  const settleBy = performance.now() + command.settleMs;
  const complete = () => [...probes.values()].every((probe) => probe.enteredAt !== undefined);
  while (!complete() && performance.now() < settleBy) await sleep(20);
  await bus.close();
  return [...probes.values()];
}

const probeBody = (userId: string) =>
  JSON.stringify({
    batch: [
      {
        type: 'identify',
        messageId: `identify-${userId}`,
        userId,
        traits: { [PROBE_TRAIT.key]: PROBE_TRAIT.value, [PROBE_ID_TRAIT]: userId },
      },
    ],
  });
