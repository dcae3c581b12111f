import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually } from '@prism/testing';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { runDestinationsCli } from '../testing/cli.js';
import { destinationWorldForSuite, RECEIVER_SECRET } from '../testing/destination-world.js';
import { startWebhookReceiver } from '../testing/webhook-receiver.js';

const world = destinationWorldForSuite();

const prism = (...args: string[]) => runDestinationsCli(world.harness, ...args);
const idIn = (line: string) => /destination (\S+) created/.exec(line)?.[1] as string;
const secretIn = (out: string) =>
  /signing secret \(shown once; receivers verify with it\): (whsec_\S+)$/m.exec(out)?.[1] as string;

describe('prism destinations', () => {
  it('creates a webhook, shows its secret once, and lists and gets it once it is in sync', async () => {
    const created = await prism(
      'create',
      '--name',
      'Partner hook',
      '--audience',
      'pro_plan',
      '--webhook',
      world.receiver.url,
    );
    const id = idIn(created.out);
    expect(id).toMatch(/^destination_/);
    expect(secretIn(created.out)).toMatch(/^whsec_/);
    world.receiver.useSecret(secretIn(created.out));

    const details = await eventually(async () => {
      const { out } = await prism('get', id);
      return /^sync\s+in sync$/m.test(out) && /^members\s+2 added/m.test(out) ? out : undefined;
    });
    expect(details).toMatch(/^kind\s+webhook$/m);
    expect(details).toMatch(/^source\s+audience pro_plan$/m);
    expect(details).toContain(world.receiver.url);
    expect((await prism('list')).out).toMatch(
      new RegExp(`${id}\\s*│ Partner hook\\s*│ webhook\\s*│ audience pro_plan\\s*│ in sync`),
    );
    expect((await prism('list', '--audience', 'pro_plan')).out).toContain(id);
    await expect(prism('list', '--audience', 'nobody_here')).rejects.toThrow(/NOT_FOUND/);
  });

  it('disables, enables and resyncs a CSV destination, the file rewritten with everyone', async () => {
    const created = await prism(
      'create',
      '--name',
      'Nightly file',
      '--audience',
      'pro_plan',
      '--csv',
      'pro.csv',
      '--traits',
      'email',
    );
    const id = idIn(created.out);
    const file = () => readFile(join(world.exportDir, 'pro.csv'), 'utf8').catch(() => '');
    await eventually(async () => ((await file()).includes('bob@example.com') ? true : undefined));
    expect((await prism('disable', id)).out).toBe(`${id}: disabled`);
    expect((await prism('enable', id)).out).toMatch(new RegExp(`^${id}: (backfilling|syncing|in sync)$`));
    expect((await prism('resync', id)).out).toMatch(new RegExp(`^${id}: `));
    await eventually(async () => ((await file()).includes('ada@example.com') ? true : undefined));
    expect((await prism('delete', id)).out).toBe(`destination ${id} deleted`);
    expect((await prism('list')).out).not.toContain(id);
  });

  it('lists the dead letters of a refusing receiver and replays one by its id, then the rest', async () => {
    const refusing = await startWebhookReceiver({ secret: RECEIVER_SECRET });
    refusing.fail(400, 1_000);
    const created = await prism(
      'create',
      '--name',
      'Refusing',
      '--audience',
      'pro_plan',
      '--webhook',
      refusing.url,
    );
    const id = idIn(created.out);
    refusing.useSecret(secretIn(created.out));
    const letters = await eventually(async () => {
      const { out } = await prism('dead-letters', id);
      return (out.match(/│ entered\s*│ 1\s*│/g) ?? []).length === 2 ? out : undefined;
    });
    expect(letters).toMatch(/HTTP 40[01]/);
    refusing.reset();
    const [first] = letters.match(new RegExp(`${id}:[^\\s│]+`)) ?? [];
    expect(first).toBeDefined();
    expect((await prism('dead-letters', id, '--replay-id', first as string)).out).toBe(
      '1 dead letter sent again',
    );
    await eventually(async () => (refusing.deliveries.length === 1 ? true : undefined));
    expect((await prism('dead-letters', id, '--replay')).out).toBe('1 dead letter sent again');
    await eventually(async () => (refusing.deliveries.length === 2 ? true : undefined));
    await refusing.close();
  });

  it('rotates a webhook secret, naming until when the old one signs too', async () => {
    const created = await prism(
      'create',
      '--name',
      'Rotating',
      '--audience',
      'pro_plan',
      '--webhook',
      world.receiver.url,
    );
    const rotated = await prism('rotate-secret', idIn(created.out), '--grace-hours', '2');
    expect(rotated.out).toMatch(
      /^new signing secret \(shown once\): whsec_\S+\nthe old secret signs too until \d{4}-/,
    );
  });

  it('refuses a create that says neither what nor where to send, before calling the service', async () => {
    await expect(prism('create', '--name', 'Nowhere', '--audience', 'pro_plan')).rejects.toBeInstanceOf(
      CommanderError,
    );
    await expect(prism('create', '--name', 'Nothing', '--csv', 'x.csv')).rejects.toThrow(
      /--audience or --campaign/,
    );
  });
});
