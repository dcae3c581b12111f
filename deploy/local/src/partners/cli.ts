import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { type IssuedCredential, issueCredential } from './issue.js';

/** nats.sh's state folder for NATS (lib.sh's PRISM_STATE): its config, auth.conf and pid file. */
const localNatsDir = join(
  process.env.PRISM_STATE_DIR ?? fileURLToPath(new URL('../../../../.prism', import.meta.url)),
  'nats',
);

/** `prism partners issue-credential --space <space> --partner <name>`. */
export function registerPartnerCommands(program: Command): void {
  const partners = program.command('partners').description("partners' NATS credentials");
  partners
    .command('issue-credential')
    .description("an nkey that may read only the space's audience events, and its durable consumer")
    .requiredOption('--space <space>', 'space id')
    .requiredOption('--partner <name>', 'partner name (a-z, 0-9, -)')
    .option('--nats <url>', 'NATS server', process.env.NATS_URL ?? 'nats://127.0.0.1:4222')
    .option('--prefix <prefix>', 'subject prefix', process.env.PRISM_SUBJECT_PREFIX ?? 'prism')
    .option('--config-dir <dir>', 'folder of the NATS config whose auth.conf gets the user', localNatsDir)
    .action(async (options) => {
      const issued = await issueCredential({
        partner: options.partner,
        space: options.space,
        prefix: options.prefix,
        servers: options.nats,
        configDir: options.configDir,
      });
      console.log(credentialText(issued, options.nats, options.configDir));
    });
}

/** What to hand the partner, with commands it can paste. */
export function credentialText(issued: IssuedCredential, servers: string, configDir: string): string {
  const { grant, seed, nkey, reloaded } = issued;
  const seedFile = `${grant.partner}-${grant.space}.nk`;
  const nats = `nats --server ${servers} --nkey ${seedFile} --inbox-prefix ${grant.inboxPrefix}`;
  return [
    `Partner ${grant.partner} may read the audience events of space ${grant.space} (user ${nkey}).`,
    reloaded
      ? 'The NATS server reloaded its configuration and enforces the new user.'
      : `Reload the NATS server that uses ${configDir}/auth.conf (docker compose kill -s HUP nats).`,
    '',
    'Seed (secret, shown once; issuing again replaces it):',
    `  ${seed}`,
    `Durable pull consumer: ${grant.stream} ${grant.consumer} (${grant.filterSubject})`,
    `Reply subjects: ${grant.inboxPrefix}.> (set your client's inbox prefix)`,
    '',
    `  echo '${seed}' > ${seedFile}`,
    `  ${nats} sub '${grant.filterSubject}'`,
    `  npx tsx examples/partner-consumer/main.ts --servers ${servers} --space ${grant.space} --seed-file ${seedFile} --durable ${grant.consumer}`,
  ].join('\n');
}
