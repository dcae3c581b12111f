import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { credentials } from '@grpc/grpc-js';
import {
  type Bus,
  connectBus,
  createEvent,
  ensureStream,
  type PrismEvent,
  silentLogger,
  startConsumer,
  streamName,
} from '@prism/bus';
import { apiKeyMetadata, callUnary } from '@prism/grpc';
import { type Infrastructure, waitForPort } from '@prism/infra';
import {
  AudienceApproach,
  type Campaign,
  StrategyServiceClient,
} from '@prism/proto/prism/strategy/v1/strategy';
import { benchNamespace, deleteStreams } from './namespace.js';
import type { Figures } from './report.js';
import { memory, ms, peakRssMb, perSecond, summarize } from './stats.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const SPACE = 'bench';
const KEY = 'bench-key-0001';
const PORT = 50151;

/** One way of producing an event: `send` returns the key its consumer will see it under. */
interface EventPath {
  stream: string;
  filterSubject: string;
  /** Sets up `lanes` independent senders (a lane sends one event at a time). */
  prepare(lanes: number): Promise<void>;
  send(lane: number, index: number): Promise<string>;
  keyOf(event: PrismEvent): string;
}

interface Run {
  events: number;
  elapsedMs: number;
  latenciesMs: number[];
}

/**
 * Issue #2's first benchmark: events/s and p50/p99 from a gRPC command through the outbox,
 * JetStream and a consumer's ack, beside raw JetStream publish→consume in the same run.
 * Throughput: 16 senders at once. Latency: one event in flight at a time, so it is the
 * pipeline's own latency, not queueing behind a backlog.
 */
export async function benchCommandToConsumer(infra: Infrastructure) {
  const { prefix } = benchNamespace();
  const bus = await connectBus({ servers: infra.natsUrl, name: 'bench', prefix });
  const service = await startServiceProcess(infra, prefix);
  const client = new StrategyServiceClient(`127.0.0.1:${PORT}`, credentials.createInsecure());
  try {
    const raw = rawJetStreamPath(bus);
    const prism = prismCommandPath(bus, client);
    const results = [];
    for (const path of [raw, prism]) {
      await measure(bus, path, 200, 4); // warm-up
      results.push({
        throughput: await measure(bus, path, 3000, 16),
        latency: await measure(bus, path, 500, 1),
      });
    }
    return report(results[0]!, results[1]!, service.peakRssMb());
  } finally {
    client.close();
    service.stop();
    await deleteStreams(bus, prefix);
    await bus.close();
  }
}

/** Sends `events` over `lanes` senders; each waits until its event was consumed and acked. */
async function measure(bus: Bus, path: EventPath, events: number, lanes: number): Promise<Run> {
  await path.prepare(lanes);
  // The consumer may see an event before its sender learns the key (publish ack, gRPC reply).
  const arrivedAt = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  const consumer = await startConsumer({
    js: bus.js,
    jsm: bus.jsm,
    prefix: bus.prefix,
    stream: path.stream,
    durable: `measure_${randomBytes(3).toString('hex')}`,
    filterSubject: path.filterSubject,
    batch: 256,
    logger: silentLogger,
    handler: async (event) => {
      const key = path.keyOf(event);
      const at = performance.now();
      arrivedAt.set(key, at);
      waiting.get(key)?.(at);
    },
  });
  const latenciesMs: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      while (next < events) {
        const index = next++;
        const sentAt = performance.now();
        const key = await path.send(lane, index);
        const at = arrivedAt.get(key) ?? (await new Promise<number>((done) => waiting.set(key, done)));
        waiting.delete(key);
        latenciesMs.push(at - sentAt);
      }
    }),
  );
  const elapsedMs = performance.now() - start;
  await consumer.stop();
  return { events, elapsedMs, latenciesMs };
}

/** Peer: publish with Nats-Msg-Id; a durable pull consumer acks after its handler. */
function rawJetStreamPath(bus: Bus): EventPath {
  const stream = streamName(bus.prefix, 'rawbench');
  const filterSubject = `${bus.prefix}.*.rawbench.published`;
  return {
    stream,
    filterSubject,
    prepare: async () => {
      await ensureStream(bus.jsm, { name: stream, subjects: [filterSubject] });
    },
    async send(_lane, index) {
      const event = createEvent({
        source: 'prism/bench',
        kind: 'rawbench.published',
        space: SPACE,
        subject: `r${index}`,
        data: { index },
      });
      await bus.publisher.publish(event);
      return event.id;
    },
    keyOf: (event) => event.id,
  };
}

/** Prism: SetAudienceApproach → campaign document + outbox → relay → JetStream → consumer ack. */
function prismCommandPath(bus: Bus, client: StrategyServiceClient): EventPath {
  const metadata = apiKeyMetadata(KEY);
  const call = <Req, Res>(method: Parameters<typeof callUnary<Req, Res>>[1], request: Req) =>
    callUnary(client, method, metadata, request);
  let campaigns: Campaign[] = [];
  return {
    stream: streamName(bus.prefix, 'strategy'),
    filterSubject: `${bus.prefix}.*.campaign.approach_changed`,
    async prepare(lanes) {
      const { strategy } = await call(client.createStrategy, {
        spec: { name: 'Bench strategy', brand: '', products: [], objectives: [], profileSpaceId: SPACE },
      });
      campaigns = [];
      for (let lane = 0; lane < lanes; lane++) {
        const { campaign } = await call(client.createCampaign, { name: `Bench ${lane}` });
        const step2 = await call(client.selectStrategy, {
          campaignId: campaign!.id,
          strategyId: strategy!.id,
          expectedEpoch: campaign!.epoch,
        });
        campaigns.push(step2.campaign!);
      }
    },
    async send(lane) {
      const current = campaigns[lane]!;
      // AI segments and back to none: both open to a strategy without personas.
      const to =
        current.approach === AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS
          ? AudienceApproach.AUDIENCE_APPROACH_NONE
          : AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS;
      const reply = await call(client.setAudienceApproach, {
        campaignId: current.id,
        approach: to,
        expectedEpoch: current.epoch,
      });
      campaigns[lane] = reply.campaign!;
      return `${current.id}:${reply.campaign!.epoch}`;
    },
    keyOf: (event) => `${event.subject}:${event.prismepoch}`,
  };
}

function startServiceProcess(infra: Infrastructure, prefix: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(repoRoot, 'services/strategy/src/main.ts')],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        NATS_URL: infra.natsUrl,
        MONGO_URL: infra.mongoUrl,
        PRISM_SUBJECT_PREFIX: prefix,
        PRISM_API_KEYS: `${SPACE}:${KEY}`,
        STRATEGY_GRPC_PORT: String(PORT),
        STRATEGY_DB: `${prefix}_strategy`,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  return waitForPort(PORT, 60_000).then(() => ({
    stop: () => child.kill('SIGTERM'),
    peakRssMb: () => peakRssMb(child.pid),
  }));
}

type PathResult = { throughput: Run; latency: Run };

function report(raw: PathResult, prism: PathResult, serviceRssMb: number): Figures {
  const row = (name: string, result: PathResult) => {
    const rate = perSecond(result.throughput.events, result.throughput.elapsedMs);
    const s = summarize(result.latency.latenciesMs);
    return {
      rate,
      s,
      line: `  ${name.padEnd(44)} ${String(rate).padStart(7)} ev/s   p50 ${ms(s.p50).padStart(9)}   p99 ${ms(s.p99).padStart(9)}`,
    };
  };
  const r = row('peer: raw JetStream publish → consume + ack', raw);
  const p = row('prism: SetAudienceApproach → consumer ack', prism);
  const mem = memory();
  console.log(
    `Command → outbox → JetStream → consumer ack (throughput: ${raw.throughput.events} events, 16 in flight; latency: ${raw.latency.events} events, 1 in flight)`,
  );
  console.log(r.line);
  console.log(p.line);
  console.log(
    `  ratio prism/raw: throughput ${((p.rate / r.rate) * 100).toFixed(1)} %, p50 ×${(p.s.p50 / r.s.p50).toFixed(1)}, p99 ×${(p.s.p99 / r.s.p99).toFixed(1)}`,
  );
  console.log(
    `  memory: strategy service peak RSS ${serviceRssMb.toFixed(0)} MB; bench process RSS ${mem.rssMb.toFixed(0)} MB, heap ${mem.heapMb.toFixed(0)} MB\n`,
  );
  return {
    'outbox.throughput_ratio': {
      value: p.rate / r.rate,
      unit: 'ratio',
      goal: 0.38,
      peer: { name: 'raw JetStream publish→consume', value: r.rate, unit: 'events/s' },
    },
    'outbox.throughput_events_per_s': { value: p.rate, unit: 'events/s' },
    'outbox.p50_ms': { value: p.s.p50, unit: 'ms', goal: 5 },
  };
}
