import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createEvent, streamName } from '@prism/bus';
import { AudienceKind, type AudienceServiceClient } from '@prism/proto/prism/audience/v1/audience';
import { AudienceMembershipChanged } from '@prism/proto/prism/events/v1/audience_events';
import { Operator } from '@prism/proto/prism/rules/v1/rule';
import { eventually } from '@prism/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AudienceEvent,
  audienceFilter,
  type DropReason,
} from '../../../examples/partner-consumer/audience-filter.js';
import {
  type AudienceFollower,
  followAudiences,
} from '../../../examples/partner-consumer/follow-audiences.js';
import { lineOf } from '../../../examples/partner-consumer/main.js';
import { type AudienceHarness, startAudienceWorld } from './testing/harness.js';

/**
 * The partner example (examples/partner-consumer) against a live audience world: profile and
 * audience-sync on real NATS, the example reading PRISM_AUDIENCE with the world's prefix.
 */

const root = fileURLToPath(new URL('../../..', import.meta.url));
let harness: AudienceHarness;
let follower: AudienceFollower;
const handled: AudienceEvent[] = [];
const dropped: { id: string; reason: DropReason }[] = [];

beforeAll(async () => {
  harness = await startAudienceWorld();
  follower = await followAudiences({
    servers: harness.world.infra.natsUrl,
    prefix: harness.world.infra.subjectPrefix,
    space: 'acme',
    durable: 'partner_test',
    onEvent: (event) => {
      handled.push(event);
    },
    onDrop: (event, reason) => {
      dropped.push({ id: event.id, reason });
    },
  });
}, 60_000);
afterAll(async () => {
  await follower?.stop();
  await harness?.stop();
});

const createAudience = (client: AudienceServiceClient) => client.createAudience;
const identify = (userId: string, traits: Record<string, unknown>) => ({ type: 'identify', userId, traits });
const userOf = (event: AudienceEvent) => event.data.identifiers?.find((id) => id.type === 'user_id')?.value;
const memberships = () =>
  handled
    .filter((event) => event.type !== 'prism.audience.computed')
    .map((event) => `${event.type.replace('prism.audience.', '')} ${userOf(event)}`);

describe('the partner example consumer', () => {
  it('hands each entered and exited event on once, and drops a replayed copy', async () => {
    await harness.send('acme', [identify('ada', { plan: 'pro' }), identify('bob', { plan: 'free' })]);
    await harness.caughtUp();
    const { audience } = await harness.call('acme', createAudience, {
      spec: {
        key: 'pro_users',
        name: 'Pro users',
        description: '',
        kind: AudienceKind.AUDIENCE_KIND_DYNAMIC,
        rule: {
          node: { $case: 'trait', value: { key: 'plan', operator: Operator.OPERATOR_EQUALS, value: 'pro' } },
        },
      },
    });
    await harness.live('acme', audience!.id);
    await harness.send('acme', [identify('bob', { plan: 'pro' }), identify('ada', { plan: 'free' })]);

    await expect.poll(memberships, { timeout: 15_000 }).toEqual(['entered ada', 'entered bob', 'exited ada']);
    const published = await harness.audienceEvents('acme');
    await expect.poll(() => handled.map((event) => event.id)).toEqual(published.map((event) => event.id));

    const { infra, bus } = harness.world;
    const replayed = await bus.jsm.streams.getMessage(streamName(infra.subjectPrefix, 'audience'), {
      last_by_subj: `${infra.subjectPrefix}.acme.audience.pro_users.entered`,
    });
    expect(await follower.receive(replayed.subject, replayed.data)).toBe('duplicate');
    expect(handled).toHaveLength(published.length);
  });

  it('drops an event of an older epoch of a campaign than one it handled', async () => {
    const publish = (epoch: number) => {
      const data = AudienceMembershipChanged.toJSON({
        audienceId: 'audience_partner',
        audienceKey: 'campaign_partner_p1',
        audienceVersion: 1,
        profileId: `prof_epoch_${epoch}`,
        identifiers: [],
        cause: { kind: 'EPOCH', eventId: '' },
        time: new Date(),
        campaignId: 'cmp_partner',
        epoch,
      });
      const event = createEvent({
        source: 'prism/audience-sync',
        kind: 'audience.entered',
        audience: 'campaign_partner_p1',
        space: 'acme',
        subject: 'audiences/audience_partner',
        data,
        epoch,
      });
      return harness.world.bus.publisher.publish(event).then(() => event.id);
    };
    const current = await publish(3);
    const stale = await publish(2);
    const next = await publish(3);

    await eventually(async () => (handled.some((event) => event.id === next) ? true : undefined));
    expect(
      handled.filter((event) => event.data.campaignId === 'cmp_partner').map((event) => event.id),
    ).toEqual([current, next]);
    expect(dropped).toContainEqual({ id: stale, reason: 'stale_epoch' });
  });

  it('runs from the command line and prints a line per event it handled', async () => {
    const { infra } = harness.world;
    const cli = spawn(
      process.execPath,
      [
        ...['--import', 'tsx', 'examples/partner-consumer/main.ts'],
        ...[
          '--space',
          'acme',
          '--prefix',
          infra.subjectPrefix,
          '--servers',
          infra.natsUrl,
          '--durable',
          'partner_cli',
        ],
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const lines = linesOf(cli);
    try {
      await expect.poll(lines, { timeout: 15_000 }).toEqual(handled.map(lineOf));
      expect(lines()).toContain('computed pro_users size=1');
    } finally {
      cli.kill('SIGINT');
    }
    expect(await new Promise((resolve) => cli.once('exit', resolve))).toBe(0);
  });
});

function linesOf(child: ChildProcess) {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return () => output.split('\n').filter(Boolean);
}

describe('the partner example filter', () => {
  const events = fc.array(
    fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      campaign: fc.option(fc.constantFrom('cmp_1', 'cmp_2'), { nil: undefined }),
      epoch: fc.nat(4),
      fails: fc.boolean(),
    }),
    { maxLength: 30 },
  );

  it('hands on each id once, never below the newest epoch handled for its campaign, and retries failures', () => {
    fc.assert(
      fc.property(events, (sequence) => {
        const filter = audienceFilter();
        const handledIds = new Set<string>();
        const newest = new Map<string, number>();
        for (const { id, campaign, epoch, fails } of sequence) {
          const event = audienceEventOf(id, campaign, epoch);
          const expected = handledIds.has(id)
            ? 'duplicate'
            : campaign && epoch < (newest.get(campaign) ?? 0)
              ? 'stale_epoch'
              : undefined;
          expect(filter.verdict(event)).toBe(expected);
          // A handler that failed does not remember: the redelivery is not a duplicate.
          if (expected || fails) continue;
          filter.remember(event);
          handledIds.add(id);
          if (campaign) newest.set(campaign, Math.max(epoch, newest.get(campaign) ?? 0));
        }
      }),
    );
  });
});

function audienceEventOf(id: string, campaign: string | undefined, epoch: number): AudienceEvent {
  return {
    id,
    type: 'prism.audience.entered',
    source: 'prism/audience-sync',
    subject: 'audiences/audience_1',
    time: new Date(0).toISOString(),
    prismspace: 'acme',
    prismaudience: 'vip',
    ...(campaign && { prismepoch: String(epoch) }),
    data: { audienceId: 'audience_1', audienceKey: 'vip', ...(campaign && { campaignId: campaign, epoch }) },
  };
}
