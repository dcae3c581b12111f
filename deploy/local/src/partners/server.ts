import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureServiceStreams } from '@prism/bus';
import { AckPolicy, connect, DeliverPolicy, nkeyAuthenticator } from 'nats';
import type { PartnerGrant } from './grant.js';

/**
 * The partner's durable pull consumer, made by Prism because a 2.9 server cannot let the
 * partner choose its filter safely. No max_deliver and no dead letters: an event the partner
 * fails on stays its own to retry. The audience stream is ensured first, so a credential can be
 * issued before audience-sync ever ran.
 */
export async function ensurePartnerConsumer(servers: string, grant: PartnerGrant): Promise<void> {
  const nc = await connect({ servers, name: 'prism partners' });
  try {
    const jsm = await nc.jetstreamManager();
    await ensureServiceStreams(jsm, grant.prefix, ['audience']);
    await jsm.consumers.add(grant.stream, {
      durable_name: grant.consumer,
      filter_subject: grant.filterSubject,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
  } finally {
    await nc.close();
  }
}

/** Deletes the partner's consumer, and what it had not acknowledged yet; absent is fine. */
export async function deletePartnerConsumer(servers: string, grant: PartnerGrant): Promise<void> {
  const nc = await connect({ servers, name: 'prism partners' });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.consumers.delete(grant.stream, grant.consumer).catch((error: Error) => {
      if (!/consumer not found|stream not found/i.test(error.message)) throw error;
    });
  } finally {
    await nc.close();
  }
}

/**
 * SIGHUP (reload the configuration) to the nats-server whose pid nats.sh keeps in the config
 * folder. False when there is none: a server elsewhere (docker compose) is reloaded by hand.
 */
export async function reloadServer(configDir: string): Promise<boolean> {
  const pid = Number((await readFile(join(configDir, 'pid'), 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return false;
  // A stale pid file may name another process by now; SIGHUP would end most of them.
  const command = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
  if (command.trim() !== 'nats-server') return false;
  process.kill(pid, 'SIGHUP');
  return true;
}

/**
 * Waits until the partner's seed is accepted and its permissions hold: a subscription to every
 * subject of the prefix is refused. A server started without nats.conf accepts any seed and
 * refuses nothing, which this reports instead of handing out a credential that protects nothing.
 */
export async function awaitPermissionsEnforced(
  servers: string,
  grant: PartnerGrant,
  seed: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'its subscription to everything was allowed';
  while (Date.now() < deadline) {
    try {
      if (await refusesEverything(servers, grant, seed)) return;
    } catch (error) {
      last = (error as Error).message; // the reload has not taken the new user in yet
    }
    await sleep(100);
  }
  throw new Error(
    `the NATS server at ${servers} does not enforce the partner's permissions (${last}); ` +
      'was it started with deploy/nats/nats.conf? Restart it: bash deploy/local/down.sh nats && bash deploy/local/up.sh',
  );
}

async function refusesEverything(servers: string, grant: PartnerGrant, seed: string): Promise<boolean> {
  const nc = await connect({
    servers,
    authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)),
    inboxPrefix: grant.inboxPrefix,
    reconnect: false,
  });
  try {
    const everything = nc.subscribe(`${grant.prefix}.>`);
    // The server answers a refused subscription before the flush's PONG, closing it.
    await nc.flush();
    return everything.isClosed();
  } finally {
    await nc.close();
  }
}
