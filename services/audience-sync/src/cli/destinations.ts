import type { Metadata } from '@grpc/grpc-js';
import { callUnary, channelCredentialsFromEnv, type UnaryMethod } from '@prism/grpc';
import {
  type Destination,
  DestinationServiceClient,
  type DestinationSpec,
} from '@prism/proto/prism/audience/v1/destinations';
import { type Command, Option } from 'commander';
import { audienceSyncOption, collect, positiveCount } from './options.js';
import { deadLettersTable, destinationDetails, destinationsTable, syncLine } from './render-destinations.js';

/** One DestinationService call with the caller's key. */
type DestinationCall = <Req, Res>(
  method: (client: DestinationServiceClient) => UnaryMethod<Req, Res>,
  request: Req,
) => Promise<Res>;

/** Largest page of dead letters the service serves. */
const DEAD_LETTERS_PAGE = 1000;

/**
 * `prism destinations list|get|create|enable|disable|resync|rotate-secret|dead-letters|delete`:
 * where audiences are sent (signed webhooks, Meta Custom Audiences, CSV files) and how each sync
 * stands, on audience-sync's DestinationService.
 */
export function registerDestinationCommands(program: Command, metadata: () => Metadata): void {
  const address = audienceSyncOption(program);
  const destinations = program
    .command('destinations')
    .description('where your audiences are sent, and how each sync stands');

  const withDestinations = async (use: (call: DestinationCall) => Promise<void>) => {
    const key = metadata();
    const client = new DestinationServiceClient(address(), channelCredentialsFromEnv());
    try {
      await use((method, request) => callUnary(client, method(client), key, request));
    } finally {
      client.close();
    }
  };
  /** A command on one destination, named by its id. */
  const onDestination = (name: string, description: string) =>
    destinations.command(name).description(description).argument('<destination>', 'destination id');
  /** A command that changes one destination and prints it as the service answered. */
  const onOne = (
    name: string,
    description: string,
    change: (call: DestinationCall, destinationId: string) => Promise<{ destination?: Destination }>,
  ) =>
    onDestination(name, description).action((destinationId: string) =>
      withDestinations(async (call) => {
        const { destination } = await change(call, destinationId);
        console.log(destination ? `${destination.id}: ${syncLine(destination)}` : destinationId);
      }),
    );

  destinations
    .command('list')
    .description("your space's destinations and their sync")
    .option('--audience <audience>', "only this audience's (id or key)")
    .action((options) =>
      withDestinations(async (call) => {
        const found = await call((client) => client.listDestinations, { audience: options.audience ?? '' });
        console.log(
          found.destinations.length > 0
            ? destinationsTable(found.destinations)
            : 'no destinations: create one with `destinations create`',
        );
      }),
    );

  onDestination('get', 'one destination: where it sends, its sync, counts and last error').action(
    (destinationId: string) =>
      withDestinations(async (call) => {
        const { destination } = await call((client) => client.getDestination, { destinationId });
        if (destination) console.log(destinationDetails(destination));
      }),
  );

  destinations
    .command('create')
    .description(
      'send an audience, or a campaign at every epoch, to a webhook, a Meta Custom Audience or a CSV file',
    )
    .requiredOption('--name <name>', 'display name')
    .addOption(new Option('--audience <audience>', 'the audience to send (id or key)').conflicts('campaign'))
    .option('--campaign <id>', "a campaign: its audience, following the campaign's approach")
    .addOption(
      new Option('--webhook <url>', 'https URL (http on loopback) that receives signed changes').conflicts([
        'metaAdAccount',
        'csv',
      ]),
    )
    .addOption(new Option('--meta-ad-account <id>', 'Meta ad account id, without act_').conflicts('csv'))
    .addOption(new Option('--meta-token <token>', 'Meta access token (write-only)').env('META_ACCESS_TOKEN'))
    .option('--meta-custom-audience <id>', 'an existing custom audience (default: one is created)')
    .option(
      '--meta-schema <keys>',
      "Meta's keys to send, comma-separated (default EMAIL,PHONE,FN,LN,COUNTRY)",
    )
    .option('--csv <file>', "a file name under audience-sync's export folder, rewritten at every sync")
    .option('--traits <paths>', 'with --csv: trait paths to write, comma-separated')
    .option('--rate <n>', 'deliveries a second (default 50)', positiveCount)
    .action((options, command: Command) =>
      withDestinations(async (call) => {
        const spec = specOf(options, (message) => command.error(message));
        const { destination, webhookSecret } = await call((client) => client.createDestination, { spec });
        console.log(`destination ${destination?.id} created: ${destination ? syncLine(destination) : ''}`);
        if (webhookSecret)
          console.log(`signing secret (shown once; receivers verify with it): ${webhookSecret}`);
      }),
    );

  onOne('enable', 'send again: everyone in the audience, then the changes', (call, destinationId) =>
    call((client) => client.setDestinationEnabled, { destinationId, enabled: true }),
  );
  onOne('disable', 'stop sending (changes are not kept meanwhile; enable backfills)', (call, destinationId) =>
    call((client) => client.setDestinationEnabled, { destinationId, enabled: false }),
  );
  onOne('resync', 'send everyone in the audience again now', (call, destinationId) =>
    call((client) => client.resyncDestination, { destinationId }),
  );

  onDestination(
    'rotate-secret',
    "a webhook's new signing secret; the old one keeps signing too for the grace period",
  )
    .option(
      '--grace-hours <n>',
      'how long the old secret stays valid, at most 168 (default 24)',
      positiveCount,
    )
    .action((destinationId: string, options) =>
      withDestinations(async (call) => {
        const rotated = await call((client) => client.rotateWebhookSecret, {
          destinationId,
          graceSeconds: (options.graceHours ?? 0) * 3600,
        });
        console.log(`new signing secret (shown once): ${rotated.webhookSecret}`);
        console.log(`the old secret signs too until ${rotated.previousSecretExpireTime?.toISOString()}`);
      }),
    );

  onDestination('dead-letters', 'deliveries given up on; --replay sends them again')
    .option('--limit <n>', 'show at most this many', positiveCount, 100)
    .option('--replay', 'send every dead letter of the destination again')
    .option('--replay-id <id...>', 'send these dead letters again (ids from the list)')
    .action((destinationId: string, options) =>
      withDestinations(async (call) => {
        if (options.replay || options.replayId) {
          const ids: string[] = options.replayId ?? [];
          const { replayed } = await call((client) => client.replayDeadLetters, { destinationId, ids });
          console.log(`${replayed} dead letter${replayed === 1 ? '' : 's'} sent again`);
          return;
        }
        const letters = await collect(
          DEAD_LETTERS_PAGE,
          async (pageToken, pageSize) => {
            const page = await call((client) => client.listDeadLetters, {
              destinationId,
              pageSize,
              pageToken,
            });
            return { items: page.deadLetters, next: page.nextPageToken };
          },
          options.limit,
        );
        console.log(letters.length > 0 ? deadLettersTable(letters) : 'no dead letters');
      }),
    );

  onDestination(
    'delete',
    'stop sending and forget the destination (what it sent stays where it went)',
  ).action((destinationId: string) =>
    withDestinations(async (call) => {
      await call((client) => client.deleteDestination, { destinationId });
      console.log(`destination ${destinationId} deleted`);
    }),
  );
}

interface CreateOptions {
  name: string;
  audience?: string;
  campaign?: string;
  webhook?: string;
  metaAdAccount?: string;
  metaToken?: string;
  metaCustomAudience?: string;
  metaSchema?: string;
  csv?: string;
  traits?: string;
  rate?: number;
}

const listOf = (text: string | undefined) =>
  (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** The spec `create` sends; the service validates the values, this only the choice of options. */
function specOf(options: CreateOptions, refuse: (message: string) => never): DestinationSpec {
  const source: DestinationSpec['source'] = options.audience
    ? { $case: 'audience', value: options.audience }
    : options.campaign
      ? { $case: 'campaignId', value: options.campaign }
      : refuse('say what to send: --audience or --campaign');
  return {
    name: options.name,
    source,
    settings: settingsOf(options, refuse),
    rateLimitPerSecond: options.rate ?? 0,
  };
}

function settingsOf(options: CreateOptions, refuse: (message: string) => never): DestinationSpec['settings'] {
  if (options.webhook) return { $case: 'webhook', value: { url: options.webhook } };
  if (options.csv)
    return { $case: 'csv', value: { fileName: options.csv, traitKeys: listOf(options.traits) } };
  if (options.metaAdAccount)
    return {
      $case: 'meta',
      value: {
        adAccountId: options.metaAdAccount,
        accessToken:
          options.metaToken ?? refuse('a Meta destination needs --meta-token (or META_ACCESS_TOKEN)'),
        customAudienceId: options.metaCustomAudience ?? '',
        schema: listOf(options.metaSchema),
      },
    };
  return refuse('say where to send: --webhook, --meta-ad-account or --csv');
}
