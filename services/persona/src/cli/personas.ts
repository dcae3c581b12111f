import type { Metadata } from '@grpc/grpc-js';
import { callUnary, channelCredentialsFromEnv } from '@prism/grpc';
import { type ListPersonasResponse, PersonaServiceClient } from '@prism/proto/prism/persona/v1/persona';
import Table from 'cli-table3';
import type { Command } from 'commander';

/** Personas per page: the service's largest. */
const PAGE = 100;

/**
 * `prism personas list --strategy <id>`: a strategy's personas, each with how many profiles of
 * the space match it — a persona nobody matches is a guess, not a customer.
 */
export function registerPersonaCommands(program: Command, metadata: () => Metadata): void {
  program.option(
    '--personas <host:port>',
    'persona service',
    process.env.PRISM_PERSONA_ADDR ?? '127.0.0.1:50052',
  );
  const personas = program.command('personas').description("a strategy's personas");
  personas
    .command('list')
    .description('the personas of a strategy, with the profiles of the space matching each')
    .requiredOption('--strategy <id>', 'strategy id')
    .action(async (options) => {
      const client = new PersonaServiceClient(program.opts().personas, channelCredentialsFromEnv());
      try {
        const pages: ListPersonasResponse[] = [];
        let pageToken = '';
        do {
          const page = await callUnary(client, client.listPersonas, metadata(), {
            strategyId: options.strategy,
            pageSize: PAGE,
            pageToken,
          });
          pages.push(page);
          pageToken = page.nextPageToken;
        } while (pageToken);
        console.log(personasText(pages));
      } finally {
        client.close();
      }
    });
}

/** One row per persona: name, matching profiles and share of the space, the rule it is read as. */
export function personasText(pages: ListPersonasResponse[]): string {
  const table = new Table({ head: ['persona', 'matching profiles', 'read as'] });
  for (const page of pages) {
    const space = Number(page.spaceProfiles);
    page.personas.forEach((persona, at) => {
      const match = page.matching[at];
      const profiles = Number(match?.profiles ?? 0);
      const counted = match?.known
        ? `${profiles.toLocaleString('en-US')} (${space > 0 ? ((100 * profiles) / space).toFixed(1) : '0.0'} %)`
        : 'not counted yet';
      table.push([persona.spec?.name ?? persona.id, counted, match?.ruleDescription || '—']);
    });
  }
  const unavailable = pages.find((page) => page.matchingUnavailable)?.matchingUnavailable;
  const personaCount = pages.reduce((sum, page) => sum + page.personas.length, 0);
  if (personaCount === 0) return 'no personas for this strategy';
  return unavailable ? `${table.toString()}\n${unavailable}` : table.toString();
}
