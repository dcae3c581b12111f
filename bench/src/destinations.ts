import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Infrastructure } from '@prism/infra';
import { benchMetaReplace } from './destinations-meta.js';
import { benchWebhookDestination } from './destinations-webhook.js';
import type { Figures } from './report.js';

const LOAD_SAMPLE_MS = 1_000;

/**
 * Issue 14's destination figures: audience changes delivered to a webhook receiver (events/s,
 * change-to-receipt latency) and a 1M-member audience replaced on Meta (time, requests, rows/s),
 * each beside its floor measured in the same run.
 */
export async function benchDestinations(infra: Infrastructure): Promise<Figures> {
  console.log(`Destinations — ${await machineLoad()}`);
  console.log('Webhook: audience changes to a receiver on loopback…');
  const webhook = await benchWebhookDestination(infra);
  console.log(`Meta: a 1M-member audience replaced on the fake Graph API… (${await machineLoad()})`);
  const meta = await benchMetaReplace();
  console.log(`  after: ${await machineLoad()}\n`);
  return { ...webhook, ...meta };
}

/**
 * The machine's load when a part starts: other work on it takes CPU from the benchmark, so the
 * reader can judge the figures. Load averages over 1, 5 and 15 minutes, and the share of CPU time
 * the cores spent busy over one second before the part (the benchmark itself idle).
 */
async function machineLoad(): Promise<string> {
  const [one, five, fifteen] = loadavg().map((load) => load.toFixed(2));
  const before = cpuTimes();
  await sleep(LOAD_SAMPLE_MS);
  const after = cpuTimes();
  const busy = (after.busy - before.busy) / (after.all - before.all);
  return (
    `load average ${one} / ${five} / ${fifteen} on ${cpus().length} cores, ` +
    `${(busy * 100).toFixed(0)} % of CPU time busy over the last second`
  );
}

function cpuTimes() {
  const times = cpus().map((cpu) => cpu.times);
  const busy = times.reduce((sum, t) => sum + t.user + t.nice + t.sys + t.irq, 0);
  return { busy, all: times.reduce((sum, t) => sum + t.idle, busy) };
}
