import type { Metadata } from '@grpc/grpc-js';
import { callUnary, channelCredentialsFromEnv, type UnaryMethod } from '@prism/grpc';
import { type Audience, AudienceKind, AudienceServiceClient } from '@prism/proto/prism/audience/v1/audience';
import { type Command, Option } from 'commander';
import { type AudienceConnection, registerExportCommand } from './export-command.js';
import { audienceSyncOption, collect, positiveCount } from './options.js';
import { followComputation } from './progress.js';
import { registerReadCommands } from './read-commands.js';
import { analyticsTable, audienceDetails, audiencesTable, membersTable } from './render.js';
import { ruleFromFile, ruleFromJson } from './rule-option.js';

/** One AudienceService call with the caller's key. */
export type AudienceCall = <Req, Res>(
  method: (client: AudienceServiceClient) => UnaryMethod<Req, Res>,
  request: Req,
) => Promise<Res>;

/** Largest pages the service serves (ListAudiences, ListMembers). */
const AUDIENCES_PAGE = 100;
const MEMBERS_PAGE = 1000;

/**
 * `prism audiences create|list|get|members|recompute|analytics`, registered on the `prism`
 * program, which owns the API key (`metadata` carries it) and reports errors. Builds are
 * followed with a progress bar until the audience is live.
 */
export function registerAudienceCommands(program: Command, metadata: () => Metadata): void {
  const address = audienceSyncOption(program);
  const audiences = program.command('audiences').description("your space's audiences and their members");

  /** Runs `use` with a client of the service, closed afterwards. */
  const withAudiences = async (
    use: (call: AudienceCall, connection: AudienceConnection) => Promise<void>,
  ) => {
    const key = metadata();
    const client = new AudienceServiceClient(address(), channelCredentialsFromEnv());
    try {
      await use((method, request) => callUnary(client, method(client), key, request), {
        client,
        metadata: key,
      });
    } finally {
      client.close();
    }
  };

  audiences
    .command('create')
    .description(
      'create a dynamic audience (a rule), a static list or a lookalike of another, and wait while it builds',
    )
    .requiredOption('--key <key>', 'stable key: lowercase letters, digits and _, e.g. high_value_runners')
    .requiredOption('--name <name>', 'display name')
    .option('--description <text>', 'what the audience is for', '')
    .addOption(
      new Option(
        '--rule <json>',
        'the rule, as proto3 JSON of prism.rules.v1.Rule, e.g. \'{"trait":{"key":"plan","operator":"OPERATOR_EQUALS","value":"pro"}}\'',
      )
        .argParser(ruleFromJson)
        .conflicts(['ruleFile', 'static', 'lookalikeOf']),
    )
    .addOption(
      new Option('--rule-file <file>', 'the rule JSON, read from a file')
        .argParser(ruleFromFile)
        .conflicts(['static', 'lookalikeOf']),
    )
    .addOption(
      new Option('--static', 'a static list: people are added by identifier').conflicts('lookalikeOf'),
    )
    .option(
      '--lookalike-of <seed>',
      "a lookalike: the space's non-members of this audience (key) most like its members",
    )
    .addOption(
      new Option('--percent <n>', 'with --lookalike-of: how many, as a percent (1–10) of the non-members')
        .argParser(positiveCount)
        .default(5),
    )
    .action(async (options, command: Command) => {
      const rule = options.rule ?? options.ruleFile;
      if (!rule && !options.static && !options.lookalikeOf)
        command.error('give a rule (--rule or --rule-file), make it --static, or --lookalike-of an audience');
      await withAudiences(async (call) => {
        const { audience, warnings } = await call((client) => client.createAudience, {
          spec: {
            key: options.key,
            name: options.name,
            description: options.description,
            kind: kindFor(rule, options.lookalikeOf),
            rule,
            lookalike: options.lookalikeOf && {
              seedAudienceKey: options.lookalikeOf,
              percent: options.percent,
            },
          },
        });
        for (const warning of warnings) console.warn(`warning: ${warning}`);
        const live = await followComputation(() => read(call, audience?.id ?? options.key));
        console.log(liveLine(live));
      });
    });

  audiences
    .command('list')
    .description('the audiences of your space')
    .option('--campaigns', "include campaigns' audiences")
    .action((options) =>
      withAudiences(async (call) => {
        const all = await collect(AUDIENCES_PAGE, async (pageToken, pageSize) => {
          const page = await call((client) => client.listAudiences, {
            pageSize,
            pageToken,
            includeCampaignAudiences: Boolean(options.campaigns),
          });
          return { items: page.audiences, next: page.nextPageToken };
        });
        console.log(
          all.length > 0 ? audiencesTable(all) : 'no audiences: create one with `audiences create`',
        );
      }),
    );

  audiences
    .command('get')
    .description('one audience: its rule in words, status, size and campaign source')
    .argument('<audience>', 'audience id or key')
    .action((reference: string) =>
      withAudiences(async (call) => console.log(audienceDetails(await read(call, reference)))),
    );

  audiences
    .command('members')
    .description('members of an audience, with their identifiers and the traits the audience names')
    .argument('<audience>', 'audience id or key')
    .option('--limit <n>', 'show at most this many', positiveCount, 100)
    .option(
      '--sort-by <trait>',
      'sort by this trait path (numbers, dates, then text; people without it last)',
    )
    .option('--desc', 'with --sort-by: largest, latest or last in the alphabet first')
    .action((reference: string, options) =>
      withAudiences(async (call) => {
        let size = 0;
        const members = await collect(
          MEMBERS_PAGE,
          async (pageToken, pageSize) => {
            const page = await call((client) => client.listMembers, {
              audience: reference,
              pageSize,
              pageToken,
              sortBy: options.sortBy ?? '',
              descending: Boolean(options.desc),
            });
            size = page.size;
            return { items: page.members, next: page.nextPageToken };
          },
          options.limit,
        );
        if (members.length > 0) console.log(membersTable(members));
        console.log(`${members.length} of ${size} members`);
      }),
    );

  audiences
    .command('recompute')
    .description('evaluate the audience again from the stored profiles, and wait while it builds')
    .argument('<audience>', 'audience id or key')
    .action((reference: string) =>
      withAudiences(async (call) => {
        const requested = call((client) => client.recomputeAudience, { audience: reference });
        console.log(liveLine(await followComputation(() => read(call, reference), requested)));
      }),
    );

  audiences
    .command('analytics')
    .description('who entered and exited an audience per UTC day, and its size at the end of each day')
    .argument('<audience>', 'audience id or key')
    .option('--days <n>', 'days back from today, at most 366 (default 30)', positiveCount)
    .action((reference: string, options) =>
      withAudiences(async (call) => {
        const { size, days } = await call((client) => client.getAudienceAnalytics, {
          audience: reference,
          days: options.days ?? 0,
        });
        console.log(analyticsTable(days));
        console.log(`${size} members now`);
      }),
    );

  registerReadCommands(audiences, withAudiences);
  registerExportCommand(audiences, withAudiences);
}

async function read(call: AudienceCall, reference: string): Promise<Audience> {
  const { audience } = await call((client) => client.getAudience, { audience: reference });
  if (!audience) throw new Error(`the service answered no audience for ${reference}`);
  return audience;
}

function kindFor(rule: unknown, lookalikeOf: string | undefined): AudienceKind {
  if (rule) return AudienceKind.AUDIENCE_KIND_DYNAMIC;
  return lookalikeOf ? AudienceKind.AUDIENCE_KIND_LOOKALIKE : AudienceKind.AUDIENCE_KIND_STATIC;
}

const liveLine = (audience: Audience) => `audience ${audience.key} is live: ${audience.size} members`;
