import { stripVTControlCharacters as plain } from 'node:util';
import { keyOf } from '@prism/testing/world';
import { Command } from 'commander';
import { vi } from 'vitest';
import { registerAudienceCommands } from '../cli/audiences.js';
import type { AudienceHarness } from './harness.js';

/** Runs `prism audiences <args>` against the world's audience-sync with acme's key; answers what it printed. */
export async function runAudiencesCli(harness: AudienceHarness, ...args: string[]) {
  const program = new Command('prism').exitOverride().configureOutput({ writeErr: () => {} });
  registerAudienceCommands(program, () => keyOf('acme'));
  const printed = { out: [] as string[], warnings: [] as string[] };
  const log = vi.spyOn(console, 'log').mockImplementation((text: string) => printed.out.push(plain(text)));
  const warn = vi.spyOn(console, 'warn').mockImplementation((text: string) => printed.warnings.push(text));
  try {
    const address = harness.world.addressOf('audience-sync');
    await program.parseAsync(['--audiences', address, 'audiences', ...args], { from: 'user' });
  } finally {
    log.mockRestore();
    warn.mockRestore();
  }
  return { out: printed.out.join('\n'), warnings: printed.warnings };
}
