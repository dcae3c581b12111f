import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import type { Command } from 'commander';
import { readCredentials } from './auth-file.js';
import { type IssuedCredential, issueCredential, revokeCredential } from './issue.js';

/** nats.sh's state folder for NATS (lib.sh's PRISM_STATE): its config, auth.conf and pid file. */
const localNatsDir = join(
  process.env.PRISM_STATE_DIR ?? fileURLToPath(new URL('../../../../.prism', import.meta.url)),
  'nats',
);

/** `prism partners issue-credential|revoke-credential|list`. */
export function registerPartnerCommands(program: Command): void {
  const partners = program.command('partners').description("partners' NATS credentials");
  /** A command on one partner's credential for one space. */
  const onCredential = (name: string, description: string) =>
    partners
      .command(name)
      .description(description)
      .requiredOption('--space <space>', 'space id')
      .requiredOption('--partner <name>', 'partner name (a-z, 0-9, -)')
      .option('--nats <url>', 'NATS server', process.env.NATS_URL ?? 'nats://127.0.0.1:4222')
      .option('--prefix <prefix>', 'subject prefix', process.env.PRISM_SUBJECT_PREFIX ?? 'prism')
      .option(
        '--config-dir <dir>',
        'folder of the NATS config whose auth.conf holds the users',
        localNatsDir,
      );

  onCredential(
    'issue-credential',
    "an nkey that may read only the space's audience events, and its durable consumer",
  ).action(async (options) => {
    const issued = await issueCredential({
      partner: options.partner,
      space: options.space,
      prefix: options.prefix,
      servers: options.nats,
      configDir: options.configDir,
    });
    console.log(credentialText(issued, options.nats, options.configDir));
  });

  onCredential('revoke-credential', "refuse the partner's seed from now on and delete its consumer").action(
    async (options, command: Command) => {
      const { grant, revoked, reloaded } = await revokeCredential({
        partner: options.partner,
        space: options.space,
        prefix: options.prefix,
        servers: options.nats,
        configDir: options.configDir,
      });
      if (!revoked) command.error(`partner ${grant.partner} holds no credential for space ${grant.space}`);
      console.log(
        `Partner ${grant.partner} may no longer read space ${grant.space}; consumer ${grant.consumer} deleted.`,
      );
      if (!reloaded)
        console.log(
          `Reload the NATS server that uses ${options.configDir}/auth.conf (docker compose kill -s HUP nats).`,
        );
    },
  );

  partners
    .command('list')
    .description('the credentials issued, by partner and space (seeds are never stored)')
    .option('--config-dir <dir>', 'folder of the NATS config whose auth.conf holds the users', localNatsDir)
    .action(async (options) => {
      const credentials = await readCredentials(options.configDir);
      if (credentials.length === 0) return console.log('no partner credentials issued');
      const table = new Table({ head: ['partner', 'space', 'prefix', 'user (public nkey)', 'issued'] });
      for (const { partner, space, prefix, nkey, issuedAt } of credentials)
        table.push([partner, space, prefix, nkey, issuedAt]);
      console.log(table.toString());
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
