import { nkeys } from 'nats';
import { recordCredential } from './auth-file.js';
import { type GrantRequest, grantOf, type PartnerGrant } from './grant.js';
import { awaitPermissionsEnforced, ensurePartnerConsumer, reloadServer } from './server.js';

export interface IssueOptions extends GrantRequest {
  /** NATS URL, reached as Prism's internal user (no credentials) to make the consumer. */
  servers: string;
  /** Where auth.conf is written: nats.sh's state folder (`.prism/nats`), or one compose mounts. */
  configDir: string;
  /** How long the reloaded server may take to enforce the new user. */
  reloadTimeoutMs?: number;
}

export interface IssuedCredential {
  grant: PartnerGrant;
  /** The user's public nkey, as auth.conf names it. */
  nkey: string;
  /** The secret the partner authenticates with (`nats --nkey <file>`); stored nowhere. */
  seed: string;
  /** False when no local server could be reloaded: reload the one at `servers` by hand. */
  reloaded: boolean;
}

/**
 * Issues a partner an nkey for one space: makes its consumer, writes its user into auth.conf,
 * reloads the local server and checks that the server now holds the partner to its space.
 * Issuing again for the same partner and space replaces the key.
 */
export async function issueCredential(options: IssueOptions): Promise<IssuedCredential> {
  const grant = grantOf(options);
  await ensurePartnerConsumer(options.servers, grant);
  const user = nkeys.createUser();
  const seed = new TextDecoder().decode(user.getSeed());
  const nkey = user.getPublicKey();
  const { partner, space, prefix } = grant;
  await recordCredential(options.configDir, {
    partner,
    space,
    prefix,
    nkey,
    issuedAt: new Date().toISOString(),
  });
  const reloaded = await reloadServer(options.configDir);
  if (reloaded)
    await awaitPermissionsEnforced(options.servers, grant, seed, options.reloadTimeoutMs ?? 10_000);
  return { grant, nkey, seed, reloaded };
}
