import { nkeys } from 'nats';
import { forgetCredential, recordCredential } from './auth-file.js';
import { type GrantRequest, grantOf, type PartnerGrant } from './grant.js';
import {
  awaitPermissionsEnforced,
  deletePartnerConsumer,
  ensurePartnerConsumer,
  reloadServer,
} from './server.js';

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

/**
 * Revokes a partner's credential for one space: its user leaves auth.conf (the local server is
 * reloaded, so its seed is refused from then on) and its consumer is deleted. False when the
 * partner held no credential for the space.
 */
export async function revokeCredential(
  options: Omit<IssueOptions, 'reloadTimeoutMs'>,
): Promise<{ grant: PartnerGrant; revoked: boolean; reloaded: boolean }> {
  const grant = grantOf(options);
  const revoked = await forgetCredential(options.configDir, grant);
  if (!revoked) return { grant, revoked, reloaded: false };
  const reloaded = await reloadServer(options.configDir);
  await deletePartnerConsumer(options.servers, grant);
  return { grant, revoked, reloaded };
}
