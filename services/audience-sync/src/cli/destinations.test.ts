import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@prism/testing';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDestinationsCli } from '../testing/cli.js';
import { type AudienceHarness, startAudienceWorld } from '../testing/harness.js';
import { planAudience } from '../testing/specs.js';
import { audienceStarterWith } from '../testing/starter.js';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';

let harness: AudienceHarness;
let receiver: WebhookReceiver;
let exportDir: string;
beforeAll(async () => {
  exportDir = await mkdtemp(join(tmpdir(), 'prism-cli-csv-'));
  receiver = await startWebhookReceiver({ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
  harness = await startAudienceWorld({
    'audience-sync': audienceStarterWith({ AUDIENCE_EXPORT_DIR: exportDir }),
  });
  await harness.send('acme', [
    { type: 'identify', userId: 'ada', traits: { plan: 'pro', email: 'ada@example.com' } },
    { type: 'identify', userId: 'cy', traits: { plan: 'pro', email: 'cy@example.com' } },
    { type: 'identify', userId: 'bob', traits: { plan: 'free', email: 'bob@example.com' } },
  ]);
  await harness.caughtUp();
  const { audience } = await harness.call('acme', (c) => c.createAudience, {
    spec: planAudience('pro_plan', 'Pro plan'),
  });
  await harness.live('acme', audience?.id as string);
}, 60_000);
afterAll(async () => {
  await harness?.stop();
  await receiver?.close();
});

const prism = (...args: string[]) => runDestinationsCli(harness, ...args);
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
      receiver.url,
    );
    const id = idIn(created.out);
    expect(id).toMatch(/^destination_/);
    expect(secretIn(created.out)).toMatch(/^whsec_/);
    receiver.useSecret(secretIn(created.out));

    const details = await eventually(async () => {
      const { out } = await prism('get', id);
      return /^sync\s+in sync$/m.test(out) && /^members\s+2 added/m.test(out) ? out : undefined;
    });
    expect(details).toMatch(/^kind\s+webhook$/m);
    expect(details).toMatch(/^source\s+audience pro_plan$/m);
    expect(details).toContain(receiver.url);
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
    const file = () => readFile(join(exportDir, 'pro.csv'), 'utf8').catch(() => '');
    await eventually(async () => ((await file()).includes('cy@example.com') ? true : undefined));
    expect((await prism('disable', id)).out).toBe(`${id}: disabled`);
    expect((await prism('enable', id)).out).toMatch(new RegExp(`^${id}: (backfilling|syncing|in sync)$`));
    expect((await prism('resync', id)).out).toMatch(new RegExp(`^${id}: `));
    await eventually(async () => ((await file()).includes('ada@example.com') ? true : undefined));
    expect((await prism('delete', id)).out).toBe(`destination ${id} deleted`);
    expect((await prism('list')).out).not.toContain(id);
  });

  it('lists the dead letters of a refusing receiver and replays them', async () => {
    const refusing = await startWebhookReceiver({ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
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
    expect((await prism('dead-letters', id, '--replay')).out).toBe('2 dead letters sent again');
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
      receiver.url,
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
