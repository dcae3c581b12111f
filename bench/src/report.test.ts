import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { benchReportSchema, recordFigures } from './report.js';

describe('recordFigures', () => {
  let dir: string;
  let path: string;
  const machine = '2× test cpu, 4 GiB, Linux, Node v20';
  const read = async () => benchReportSchema.parse(JSON.parse(await readFile(path, 'utf8')));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prism-bench-report-'));
    path = join(dir, 'reports', 'bench.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('creates the report, and its directory, when there is none', async () => {
    const now = new Date('2026-12-06T10:00:00Z');
    await recordFigures({ 'switch.p99_ms': { value: 42.5, unit: 'ms', goal: 100 } }, { path, machine, now });

    expect(await read()).toEqual({
      date: '2026-12-06T10:00:00.000Z',
      machine,
      figures: { 'switch.p99_ms': { value: 42.5, unit: 'ms', goal: 100 } },
    });
  });

  it("keeps the figures of benchmarks the run skipped and replaces the run's own", async () => {
    const peer = { name: 'raw JetStream publish→consume', value: 9000, unit: 'events/s' };
    await recordFigures(
      {
        'outbox.throughput_ratio': { value: 0.3, unit: 'ratio', goal: 0.38, peer },
        'segments.ari_100k': { value: 0.91, unit: 'ARI' },
      },
      { path, machine, now: new Date('2026-12-06T10:00:00Z') },
    );
    await recordFigures(
      { 'segments.ari_100k': { value: 0.95, unit: 'ARI' } },
      { path, machine: 'another machine', now: new Date('2026-12-07T10:00:00Z') },
    );

    expect(await read()).toEqual({
      date: '2026-12-07T10:00:00.000Z',
      machine: 'another machine',
      figures: {
        'outbox.throughput_ratio': { value: 0.3, unit: 'ratio', goal: 0.38, peer },
        'segments.ari_100k': { value: 0.95, unit: 'ARI' },
      },
    });
  });

  it('drops the previous figure of a name the run could not measure, rather than keep it stale', async () => {
    await recordFigures({ 'profile.get_p99_ms': { value: 4, unit: 'ms', goal: 10 } }, { path, machine });
    await recordFigures(
      { 'profile.get_p99_ms': { value: Number.NaN, unit: 'ms', goal: 10 } },
      { path, machine },
    );

    expect((await read()).figures).toEqual({});
  });

  it('leaves the report as it was when the run recorded no figure', async () => {
    const now = new Date('2026-12-08T00:49:00Z');
    await recordFigures({ 'profile.get_p99_ms_1m': { value: 580, unit: 'ms' } }, { path, machine, now });
    const before = await readFile(path, 'utf8');

    await recordFigures({}, { path, machine: 'another machine', now: new Date('2026-12-08T04:09:00Z') });

    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('starts over from a file that is not a report', async () => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, '{"figures": 3}');
    await recordFigures({ 'segments.ari_100k': { value: 0.9, unit: 'ARI' } }, { path, machine });

    expect((await read()).figures).toEqual({ 'segments.ari_100k': { value: 0.9, unit: 'ARI' } });
  });
});
