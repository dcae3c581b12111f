import { createWriteStream } from 'node:fs';
import type { Metadata } from '@grpc/grpc-js';
import type { AudienceServiceClient } from '@prism/proto/prism/audience/v1/audience';
import { propertyPath, ruleFromProto, traitKeysOf } from '@prism/rules';
import { type Command, InvalidArgumentError } from 'commander';
import { writeMembersCsv } from '../members-csv.js';
import type { AudienceCall } from './audiences.js';
import { exportProgress } from './progress.js';

/** The service's client and the caller's key, for calls that stream. */
export interface AudienceConnection {
  client: AudienceServiceClient;
  metadata: Metadata;
}

type WithAudiences = (
  use: (call: AudienceCall, connection: AudienceConnection) => Promise<void>,
) => Promise<void>;

/** `prism audiences export`: every member as CSV, for a spreadsheet or an ad platform. */
export function registerExportCommand(audiences: Command, withAudiences: WithAudiences): void {
  audiences
    .command('export')
    .description('every member of an audience as CSV: profile id, identifiers, traits, when they entered')
    .argument('<audience>', 'audience id or key')
    .option(
      '--traits <paths>',
      'comma-separated trait paths (default: the traits the audience names)',
      traitList,
    )
    .option('--out <file>', 'write the CSV to this file (default: standard output)')
    .option('--escape-formulas', "prefix cells starting with = + - @ with ' for spreadsheets")
    .action((reference: string, options) =>
      withAudiences(async (call, { client, metadata }) => {
        const traitPaths: string[] = options.traits ?? (await namedTraits(call, reference));
        const batches = client.exportMembers(
          { audience: reference, traitKeys: traitPaths, batchSize: 0 },
          metadata,
        );
        const out = options.out ? createWriteStream(options.out) : process.stdout;
        const progress = exportProgress();
        try {
          await writeMembersCsv(
            batches,
            out,
            { traitPaths, escapeFormulas: options.escapeFormulas },
            progress.written,
          );
        } finally {
          progress.stop();
        }
      }),
    );
}

/** The trait paths the audience's rule names (none for a static list). */
async function namedTraits(call: AudienceCall, reference: string): Promise<string[]> {
  const { audience } = await call((client) => client.getAudience, { audience: reference });
  return audience?.rule?.node ? traitKeysOf(ruleFromProto(audience.rule)) : [];
}

function traitList(value: string): string[] {
  const paths = value.split(',').map((path) => path.trim());
  const bad = paths.find((path) => !propertyPath.safeParse(path).success);
  if (bad !== undefined)
    throw new InvalidArgumentError(`"${bad}" is not a trait path such as plan or address.city`);
  return paths;
}
