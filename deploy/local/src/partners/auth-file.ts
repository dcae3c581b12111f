import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { grantOf, grantSchema, permissionsOf } from './grant.js';

/** nats.conf's `no_auth_user`: what Prism's services are when they connect without credentials. */
export const INTERNAL_USER = 'prism';

/** deploy/nats: nats.conf (includes auth.conf from its own folder) and auth.conf without partners. */
export const NATS_CONFIG_SOURCE = fileURLToPath(new URL('../../../nats/', import.meta.url));

const issuedSchema = grantSchema.extend({
  /** The user's public nkey; the seed is only printed, never stored. */
  nkey: z.string().regex(/^U[A-Z2-7]{55}$/),
  issuedAt: z.iso.datetime(),
});
const registrySchema = z.object({ credentials: z.array(issuedSchema) });

export type IssuedCredentialRecord = z.infer<typeof issuedSchema>;

const REGISTRY = 'partners.json';
const AUTH = 'auth.conf';

/**
 * The `users` of nats.conf's authorization block: the internal user, then one nkey user per
 * issued credential. NATS reads JSON values, so each user is its JSON with a comment naming it.
 */
export function renderAuth(credentials: IssuedCredentialRecord[]): string {
  const users = [
    `  # Prism's services: no credentials (nats.conf's no_auth_user), every permission\n  ${JSON.stringify({ user: INTERNAL_USER })}`,
    ...credentials.map(
      (issued) =>
        `  # partner ${issued.partner}, space ${issued.space}, prefix ${issued.prefix}, issued ${issued.issuedAt}\n` +
        `  ${JSON.stringify({ nkey: issued.nkey, permissions: permissionsOf(grantOf(issued)) })}`,
    ),
  ];
  return [
    "# The users of nats.conf's authorization block. `npm run prism -- partners issue-credential`",
    `# writes it from ${REGISTRY} beside it (deploy/nats's copy has no partners): edit that, not this.`,
    'users = [',
    users.join(',\n'),
    ']',
    '',
  ].join('\n');
}

export async function readCredentials(configDir: string): Promise<IssuedCredentialRecord[]> {
  let text: string;
  try {
    text = await readFile(join(configDir, REGISTRY), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return registrySchema.parse(JSON.parse(text)).credentials;
}

/**
 * Records a credential, replacing the one the partner had for that space (so re-issuing rotates
 * the key), and rewrites auth.conf from the record.
 */
export async function recordCredential(configDir: string, issued: IssuedCredentialRecord): Promise<void> {
  await writeCredentials(configDir, [...(await othersThan(configDir, issued)), issued]);
}

/** Drops a partner's credential for a space from the record and auth.conf; false when it had none. */
export async function forgetCredential(configDir: string, grant: CredentialKey): Promise<boolean> {
  const held = await readCredentials(configDir);
  const others = await othersThan(configDir, grant);
  if (others.length === held.length) return false;
  await writeCredentials(configDir, others);
  return true;
}

type CredentialKey = Pick<IssuedCredentialRecord, 'partner' | 'space' | 'prefix'>;

async function othersThan(configDir: string, key: CredentialKey): Promise<IssuedCredentialRecord[]> {
  return (await readCredentials(configDir)).filter(
    (old) => !(old.partner === key.partner && old.space === key.space && old.prefix === key.prefix),
  );
}

/**
 * Writes the record and auth.conf from it. nats.conf is refreshed from deploy/nats too, so the
 * folder is a whole server configuration (docker-compose.yml can mount it).
 */
async function writeCredentials(configDir: string, credentials: IssuedCredentialRecord[]): Promise<void> {
  await mkdir(configDir, { recursive: true });
  await replaceFile(join(configDir, REGISTRY), `${JSON.stringify({ credentials }, null, 2)}\n`);
  await replaceFile(join(configDir, AUTH), renderAuth(credentials));
  await copyFile(join(NATS_CONFIG_SOURCE, 'nats.conf'), join(configDir, 'nats.conf'));
}

/** Write-then-rename: a reload never reads half a file. */
async function replaceFile(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}
