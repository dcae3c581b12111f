import type { ServiceError } from '@grpc/grpc-js';
import { registerAudienceCommands } from '@prism/audience-sync/cli/audiences.js';
import { registerDestinationCommands } from '@prism/audience-sync/cli/destinations.js';
import { readErrorDetails } from '@prism/errors';
import { apiKeyMetadata } from '@prism/grpc';
import { registerPartnerCommands } from '@prism/local/partners/cli.js';
import { registerPersonaCommands } from '@prism/persona/cli/personas.js';
import { registerSegmentCommands } from '@prism/segment-generation/cli/segments.js';
import { Command } from 'commander';

/**
 * `npm run prism -- <group> <command>`: each service registers its command group; the options
 * every group shares (the API key) and the reporting of errors live here, once.
 */
const program = new Command('prism')
  .description('Prism command line')
  .option('--api-key <key>', 'API key of your space (or PRISM_API_KEY)', process.env.PRISM_API_KEY);

const callerKey = () => {
  const { apiKey } = program.opts();
  if (!apiKey) program.error('an API key is required: --api-key or PRISM_API_KEY');
  return apiKeyMetadata(apiKey);
};

registerSegmentCommands(program, callerKey);
registerAudienceCommands(program, callerKey);
registerDestinationCommands(program, callerKey);
registerPersonaCommands(program, callerKey);
registerPartnerCommands(program);

/** A gRPC error as its message and each invalid field; any other error as its message. */
program.parseAsync().catch((error: Error & Partial<ServiceError>) => {
  console.error(`prism: ${error.details ?? error.message}`);
  const { metadata } = error;
  for (const violation of metadata ? readErrorDetails({ metadata }).fieldViolations : [])
    console.error(`  ${violation.field}: ${violation.description}`);
  process.exit(1);
});
