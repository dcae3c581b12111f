import { type ChaosCluster, SERVICES, type ServiceName } from './cluster.js';
import type { IngestLoad } from './ingest.js';
import type { ChaosServers, InfraServer } from './servers.js';

/**
 * The faults of a chaos round, in turn: kill -9 and restart of each service process, then a
 * kill -9 and restart of NATS and of the Mongo-wire server. Recovery is measured from the kill
 * to the first answer that needs what was killed again.
 */

export type Fault = { kind: 'service'; name: ServiceName } | { kind: 'server'; name: InfraServer };

export const ROUND: Fault[] = [
  ...SERVICES.map((name) => ({ kind: 'service' as const, name })),
  { kind: 'server', name: 'nats' },
  { kind: 'server', name: 'ferretdb' },
];

export interface FaultFigure {
  fault: string;
  /** From the kill to the first answer again. */
  recoveryMs: number;
  /** What that answer was. */
  recoveredWhen: string;
}

const RECOVERY_TIMEOUT_MS = 120_000;
const POLL_MS = 25;

export const faultName = (fault: Fault) =>
  fault.kind === 'service'
    ? `kill -9 ${fault.name}`
    : `kill -9 ${fault.name === 'nats' ? 'NATS' : 'FerretDB'}`;

export async function inject(
  fault: Fault,
  { cluster, servers, ingest }: { cluster: ChaosCluster; servers: ChaosServers; ingest: IngestLoad },
): Promise<FaultFigure> {
  const killedAt = Date.now();
  if (fault.kind === 'service') {
    await cluster.kill(fault.name);
    cluster.start(fault.name);
    await until(() => cluster.answers(fault.name), faultName(fault));
    return {
      fault: faultName(fault),
      recoveryMs: Date.now() - killedAt,
      recoveredWhen: `${fault.name} answers`,
    };
  }
  await servers.restart(fault.name);
  // Every service reads its database again, and an ingested batch went through JetStream.
  let silent: ServiceName[] = [];
  await until(
    async () => {
      const answered = await Promise.all(SERVICES.map((name) => cluster.answers(name)));
      silent = SERVICES.filter((_, index) => !answered[index]);
      return silent.length === 0;
    },
    faultName(fault),
    () => `not answering: ${silent.join(', ')}`,
  );
  await until(async () => ingest.lastAcceptedAt > killedAt, `${faultName(fault)}: ingest`);
  return {
    fault: faultName(fault),
    recoveryMs: Date.now() - killedAt,
    recoveredWhen: 'every service answers and a batch was accepted',
  };
}

async function until(condition: () => Promise<boolean>, what: string, state = () => ''): Promise<void> {
  const deadline = Date.now() + RECOVERY_TIMEOUT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`${what}: no recovery within ${RECOVERY_TIMEOUT_MS} ms ${state()}`.trim());
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
}
