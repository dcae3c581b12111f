import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { credentials } from '@grpc/grpc-js';
import { type Bus, connectBus, createEvent, ensureStream, startConsumer, streamName } from '@prism/bus';
import { apiKeyMetadata, callUnary } from '@prism/grpc';
import type { Infrastructure } from '@prism/infra';
import {
  AudienceApproach,
  type Campaign,
  StrategyServiceClient,
} from '@prism/proto/prism/strategy/v1/strategy';
import { lanes, memory, ms, perSecond, summarize } from './stats.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const SPACE = 'bench';
const KEY = 'bench-key-0001';
const PORT = 50151;

interface PathResult {
  events: number;
  elapsedMs: number;
  latenciesMs: number[];
}

/**
 * Issue #2's first benchmark: events/s and p50/p99 from a gRPC command through the outbox,
 * JetStream and a consumer's ack, beside raw JetStream publish→consume in the same run.
 */
export async function benchCommandToConsumer(infra: Infrastructure, events = 3000, concurrency = 16) {
  const prefix = `bench${randomBytes(3).toString('hex')}`;
  const bus = await connectBus({ servers: infra.natsUrl, name: 'bench', prefix });
  const service = await startServiceProcess(infra, prefix);
  try {
    await rawJetStream(bus, 300, concurrency); // warm-up
    const raw = await rawJetStream(bus, events, concurrency);
    await prismCommands(bus, 300, concurrency); // warm-up
    const prism = await prismCommands(bus, events, concurrency);
    report(events, concurrency, raw, prism, service.peakRssMb());
  } finally {
    service.stop();
    for await (const stream of bus.jsm.streams.list()) {
      if (stream.config.name.startsWith(prefix.toUpperCase()))
        await bus.jsm.streams.delete(stream.config.name);
    }
    await bus.close();
  }
}

/** Peer: publish with Nats-Msg-Id, a durable pull consumer acks after its handler. */
async function rawJetStream(bus: Bus, events: number, concurrency: number): Promise<PathResult> {
  const stream = streamName(bus.prefix, `raw_${randomBytes(2).toString('hex')}`);
  const subject = `${bus.prefix}.*.rawbench.published`;
  await ensureStream(bus.jsm, { name: stream, subjects: [subject] });
  const sentAt = new Map<string, number>();
  const { latenciesMs, done, stop } = await measuringConsumer(bus, stream, subject, events, (e) =>
    sentAt.get(e.id),
  );
  const start = performance.now();
  await lanes(events, concurrency, async (i) => {
    const event = createEvent({
      source: 'prism/bench',
      kind: 'rawbench.published',
      space: SPACE,
      subject: `r${i}`,
      data: { i },
    });
    sentAt.set(event.id, performance.now());
    await bus.publisher.publish(event);
  });
  await done;
  const elapsedMs = performance.now() - start;
  await stop();
  return { events, elapsedMs, latenciesMs };
}

/** Prism: SetAudienceApproach → campaign document + outbox → relay → JetStream → consumer ack. */
async function prismCommands(bus: Bus, events: number, concurrency: number): Promise<PathResult> {
  const client = new StrategyServiceClient(`127.0.0.1:${PORT}`, credentials.createInsecure());
  const metadata = apiKeyMetadata(KEY);
  const { strategy } = await callUnary(client, client.createStrategy, metadata, {
    spec: {
      name: 'Bench strategy',
      brand: '',
      products: [],
      objectives: [],
      profileSpaceId: SPACE,
    },
  });
  const campaigns: Campaign[] = [];
  for (let lane = 0; lane < concurrency; lane++) {
    const { campaign } = await callUnary(client, client.createCampaign, metadata, { name: `Bench ${lane}` });
    const selected = await callUnary(client, client.selectStrategy, metadata, {
      campaignId: campaign!.id,
      strategyId: strategy!.id,
      expectedEpoch: campaign!.epoch,
    });
    campaigns.push(selected.campaign!);
  }

  const sentAt = new Map<string, number>();
  const keyOf = (campaignId: string, epoch: string | number) => `${campaignId}:${epoch}`;
  const subject = `${bus.prefix}.*.campaign.approach_changed`;
  const { latenciesMs, done, stop } = await measuringConsumer(
    bus,
    streamName(bus.prefix, 'strategy'),
    subject,
    events,
    (e) => sentAt.get(keyOf(e.subject, e.prismepoch ?? '')),
  );
  const start = performance.now();
  let issued = 0;
  await Promise.all(
    campaigns.map(async (campaign) => {
      let current = campaign;
      while (issued < events) {
        issued++;
        const to =
          current.approach === AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS
            ? AudienceApproach.AUDIENCE_APPROACH_STRATEGY_PERSONAS
            : AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS;
        sentAt.set(keyOf(current.id, current.epoch + 1), performance.now());
        const reply = await callUnary(client, client.setAudienceApproach, metadata, {
          campaignId: current.id,
          approach: to,
          expectedEpoch: current.epoch,
        });
        current = reply.campaign!;
      }
    }),
  );
  await done;
  const elapsedMs = performance.now() - start;
  await stop();
  client.close();
  return { events, elapsedMs, latenciesMs };
}

/** A consumer that records, per event, the time since `sentAtOf(event)`, and resolves after `count`. */
async function measuringConsumer(
  bus: Bus,
  stream: string,
  filterSubject: string,
  count: number,
  sentAtOf: (event: { id: string; subject: string; prismepoch?: string }) => number | undefined,
) {
  const latenciesMs: number[] = [];
  let finish: () => void = () => {};
  const done = new Promise<void>((r) => {
    finish = r;
  });
  const consumer = await startConsumer({
    js: bus.js,
    jsm: bus.jsm,
    prefix: bus.prefix,
    stream,
    durable: `measure_${randomBytes(3).toString('hex')}`,
    filterSubject,
    batch: 256,
    logger: quiet,
    handler: async (event) => {
      const sent = sentAtOf(event);
      if (sent === undefined) return; // an event of an earlier round on the same stream
      latenciesMs.push(performance.now() - sent);
      if (latenciesMs.length === count) finish();
    },
  });
  return { latenciesMs, done, stop: () => consumer.stop() };
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
  return waitForPort(PORT).then(() => ({
    stop: () => child.kill('SIGTERM'),
    /** Peak resident memory of the service process (Linux VmHWM). */
    peakRssMb: () => {
      const line = readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
      return line ? Number(line[1]) / 1024 : Number.NaN;
    },
  }));
}

async function waitForPort(port: number) {
  for (let i = 0; i < 300; i++) {
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => done(socket.end() !== undefined));
      socket.once('error', () => done(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`strategy service did not listen on ${port}`);
}

function report(
  events: number,
  concurrency: number,
  raw: PathResult,
  prism: PathResult,
  serviceRssMb: number,
) {
  const r = summarize(raw.latenciesMs);
  const p = summarize(prism.latenciesMs);
  const rawRate = perSecond(raw.events, raw.elapsedMs);
  const prismRate = perSecond(prism.events, prism.elapsedMs);
  const row = (name: string, rate: number, s: ReturnType<typeof summarize>) =>
    `  ${name.padEnd(44)} ${String(rate).padStart(8)} ev/s   p50 ${ms(s.p50).padStart(10)}   p99 ${ms(s.p99).padStart(10)}`;
  const mem = memory();
  console.log(`Command → outbox → JetStream → consumer ack (${events} events, ${concurrency} in flight)`);
  console.log(row('peer: raw JetStream publish → consume + ack', rawRate, r));
  console.log(row('prism: SetAudienceApproach → consumer ack', prismRate, p));
  console.log(
    `  ratio prism/raw: throughput ${((prismRate / rawRate) * 100).toFixed(1)} %, p50 ×${(p.p50 / r.p50).toFixed(1)}, p99 ×${(p.p99 / r.p99).toFixed(1)}`,
  );
  console.log(
    `  memory: strategy service peak RSS ${serviceRssMb.toFixed(0)} MB; bench process RSS ${mem.rssMb.toFixed(0)} MB, heap ${mem.heapMb.toFixed(0)} MB\n`,
  );
}
