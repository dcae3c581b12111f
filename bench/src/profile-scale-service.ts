import { createLogger } from '@prism/log';
import { startProfileService } from '@prism/profile/app';
import { profileConfigSchema } from '@prism/profile/config';
import { timePipelineStages } from './profile-diagnostics.js';

/**
 * The profile service of the profile-scale benchmark, in a process of its own (forked by
 * profile-scale.ts with --expose-gc), so that its memory is measured alone and a restart is a
 * real one: a new process on the same database. Configured by the environment; answers
 * `memory` (heap after a full GC, RSS, peak RSS, and the CPU time of all its threads so far), `stats` (the space's live profiles and the pipeline's
 * stage timings) and `stop` over the IPC channel.
 */
export type ServiceCommand = { kind: 'memory' } | { kind: 'stats'; spaceId: string } | { kind: 'stop' };

const startedAt = performance.timeOrigin + performance.now();
const config = profileConfigSchema.parse(process.env);
const service = await startProfileService(config, createLogger('profile', { level: 'warn' }));
const stages = timePipelineStages(service);
process.send?.({ kind: 'ready', port: service.port, httpPort: service.httpPort, startedAt });

async function answer(command: ServiceCommand) {
  if (command.kind === 'memory') {
    (globalThis as { gc?: () => void }).gc?.();
    const { heapUsed, rss, external } = process.memoryUsage();
    const { user, system } = process.cpuUsage();
    const peakRss = process.resourceUsage().maxRSS * 1024;
    return { heapUsed, rss, external, peakRss, cpuMicros: user + system };
  }
  if (command.kind === 'stats') {
    const profiles = (await service.pipeline.read(command.spaceId)).size;
    return { profiles, stages: stages.summary() };
  }
  await service.stop();
  setImmediate(() => process.exit(0));
  return {};
}

process.on('message', (command: ServiceCommand) => {
  answer(command).then(
    (result) => process.send?.({ ok: true, result }),
    (error: Error) => process.send?.({ ok: false, error: error.stack ?? error.message }),
  );
});
