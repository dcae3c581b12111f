import { stripVTControlCharacters as plain } from 'node:util';
import type { Metadata } from '@grpc/grpc-js';
import { keyOf } from '@prism/testing/world';
import { Command } from 'commander';
import { vi } from 'vitest';
import { registerAudienceCommands } from '../cli/audiences.js';
import { registerDestinationCommands } from '../cli/destinations.js';
import type { AudienceHarness } from './harness.js';

type Register = (program: Command, metadata: () => Metadata) => void;

/** Runs `prism audiences <args>` against the world's audience-sync with acme's key; answers what it printed. */
export const runAudiencesCli = (harness: AudienceHarness, ...args: string[]) =>
  runCli(harness, registerAudienceCommands, 'audiences', args);

/** Runs `prism destinations <args>` the same way. */
export const runDestinationsCli = (harness: AudienceHarness, ...args: string[]) =>
  runCli(harness, registerDestinationCommands, 'destinations', args);

async function runCli(harness: AudienceHarness, register: Register, group: string, args: string[]) {
  const program = new Command('prism').exitOverride().configureOutput({ writeErr: () => {} });
  register(program, () => keyOf('acme'));
  const printed = { out: [] as string[], warnings: [] as string[] };
  const log = vi.spyOn(console, 'log').mockImplementation((text: string) => printed.out.push(plain(text)));
  const warn = vi.spyOn(console, 'warn').mockImplementation((text: string) => printed.warnings.push(text));
  try {
    const address = harness.world.addressOf('audience-sync');
    await program.parseAsync(['--audiences', address, group, ...args], { from: 'user' });
  } finally {
    log.mockRestore();
    warn.mockRestore();
  }
  return { out: printed.out.join('\n'), warnings: printed.warnings };
}
