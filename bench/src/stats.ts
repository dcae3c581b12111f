import { readFileSync } from 'node:fs';

/** Latency samples in milliseconds → exact percentiles (samples are few enough to sort). */
export function summarize(samplesMs: number[]) {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
}

export function memory() {
  const { rss, heapUsed } = process.memoryUsage();
  return { rssMb: rss / 2 ** 20, heapMb: heapUsed / 2 ** 20 };
}

export const ms = (value: number) => `${value.toFixed(2)} ms`;
export const perSecond = (count: number, elapsedMs: number) => Math.round((count / elapsedMs) * 1000);

/** Peak resident memory of a process, this one by default (Linux VmHWM; NaN elsewhere). */
export function peakRssMb(pid: number | 'self' | undefined = 'self') {
  try {
    const line = readFileSync(`/proc/${pid ?? 'self'}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
    return line ? Number(line[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
