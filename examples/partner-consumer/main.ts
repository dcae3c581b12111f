import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { AudienceEvent } from './audience-filter.js';
import { type FollowOptions, followAudiences } from './follow-audiences.js';

/**
 * Prints one line per audience event of a space:
 *   npx tsx examples/partner-consumer/main.ts --space demo [--prefix prism] [--servers nats://127.0.0.1:4222] [--durable partner_demo] [--seed-file acme-demo.nk]
 * Options fall back to NATS_URL, PRISM_SUBJECT_PREFIX, PARTNER_DURABLE and PARTNER_SEED_FILE.
 */
export function optionsFromArgs(
  args: string[],
  env: NodeJS.ProcessEnv,
): Omit<FollowOptions, 'onEvent' | 'onDrop' | 'onInvalid'> {
  const { values } = parseArgs({
    args,
    options: {
      space: { type: 'string' },
      prefix: { type: 'string' },
      servers: { type: 'string' },
      durable: { type: 'string' },
      'seed-file': { type: 'string' },
    },
  });
  const seedFile = values['seed-file'] ?? env.PARTNER_SEED_FILE;
  const space = values.space ?? env.PRISM_SPACE;
  if (!space) throw new Error('--space is required (or PRISM_SPACE)');
  return {
    space,
    prefix: values.prefix ?? env.PRISM_SUBJECT_PREFIX ?? 'prism',
    servers: values.servers ?? env.NATS_URL ?? 'nats://127.0.0.1:4222',
    durable: values.durable ?? env.PARTNER_DURABLE ?? `partner_${space}`,
    ...(seedFile && { seed: readFileSync(seedFile, 'utf8').trim() }),
  };
}

/** `entered pro_users prof_… epoch=3`, or `computed pro_users size=1240`. */
export function lineOf(event: AudienceEvent): string {
  const what = event.type.replace('prism.audience.', '');
  const who = event.data.profileId ?? `size=${event.data.size ?? 0}`;
  const epoch = event.prismepoch === undefined ? '' : ` epoch=${event.prismepoch}`;
  return `${what} ${event.prismaudience} ${who}${epoch}`;
}

async function main() {
  const follower = await followAudiences({
    ...optionsFromArgs(process.argv.slice(2), process.env),
    onEvent: (event) => console.log(lineOf(event)),
    onDrop: (event, reason) => console.error(`dropped ${reason} ${event.id}`),
    onInvalid: (subject) => console.error(`skipped a message that is not an audience event on ${subject}`),
  });
  const stop = () => void follower.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// Run as a program, not when a test imports lineOf.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main().catch((error: Error) => {
    console.error(`partner-consumer: ${error.message}`);
    process.exit(1);
  });
}
