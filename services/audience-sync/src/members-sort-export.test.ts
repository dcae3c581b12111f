import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { readErrorDetails } from '@prism/errors';
import {
  AudienceKind,
  type ExportMembersRequest,
  type ExportMembersResponse,
  type ListMembersRequest,
  type Member,
} from '@prism/proto/prism/audience/v1/audience';
import { Operator } from '@prism/proto/prism/rules/v1/rule';
import { eventually } from '@prism/testing';
import { keyOf, rpcFailureOf } from '@prism/testing/world';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudiencesCli } from './testing/cli.js';
import { type AudienceHarness, startAudienceWorld } from './testing/harness.js';

let harness: AudienceHarness;
beforeAll(async () => {
  harness = await startAudienceWorld();
  await harness.send('acme', [
    identify('ana', { group: 'sorted', score: 30, signup: '2024-05-01', city: 'Lisbon' }),
    identify('ben', { group: 'sorted', score: 4, signup: '2023-11-20T12:00:00Z', city: 'amsterdam' }),
    identify('cai', { group: 'sorted', score: '250', signup: '2024-05-01T09:30:00+02:00', city: 'Berlin' }),
    identify('dee', { group: 'sorted', city: 'Zagreb, "old town"' }),
    identify('eve', { group: 'sorted', score: -1.5, signup: '2025-01-01', email: 'eve@example.com' }),
    ...['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map((id, i) => identify(id, { group: 'paged', score: i + 1 })),
  ]);
  await harness.caughtUp();
  await groupAudience('sorted');
  await groupAudience('paged');
}, 60_000);
afterAll(() => harness?.stop());

function identify(userId: string, traits: Record<string, unknown>) {
  return { type: 'identify', userId, traits };
}

/** A live audience of the people whose `group` trait is its key. */
async function groupAudience(key: string) {
  const rule = {
    node: {
      $case: 'trait' as const,
      value: { key: 'group', operator: Operator.OPERATOR_EQUALS, value: key },
    },
  };
  const spec = { key, name: key, description: '', kind: AudienceKind.AUDIENCE_KIND_DYNAMIC, rule };
  const { audience } = await harness.call('acme', (c) => c.createAudience, { spec });
  return harness.live('acme', audience?.id ?? key);
}

const userIdOf = (member: Member) => member.identifiers.find((id) => id.type === 'user_id')?.value;

const list = (request: Partial<ListMembersRequest>) =>
  harness.call('acme', (c) => c.listMembers, {
    audience: 'sorted',
    pageSize: 100,
    pageToken: '',
    sortBy: '',
    descending: false,
    ...request,
  });

const sortedBy = async (sortBy: string, descending = false) =>
  (await list({ sortBy, descending })).members.map(userIdOf);

async function exportAll(request: Partial<ExportMembersRequest>): Promise<ExportMembersResponse[]> {
  const client = harness.audiences();
  const stream = client.exportMembers(
    { audience: 'sorted', traitKeys: [], batchSize: 0, ...request },
    keyOf('acme'),
  );
  const batches: ExportMembersResponse[] = [];
  for await (const batch of stream) batches.push(batch);
  return batches;
}

describe('ListMembers sorted by a trait', () => {
  it('sorts numbers numerically and dates in time, members without the trait last in both directions', async () => {
    expect(await sortedBy('score')).toEqual(['eve', 'ben', 'ana', 'cai', 'dee']);
    expect(await sortedBy('score', true)).toEqual(['cai', 'ana', 'ben', 'eve', 'dee']);
    expect(await sortedBy('signup')).toEqual(['ben', 'ana', 'cai', 'eve', 'dee']);
    expect(await sortedBy('signup', true)).toEqual(['eve', 'cai', 'ana', 'ben', 'dee']);
  });

  it('sorts other values as text in code-unit order, and by profile id without sort_by', async () => {
    expect(await sortedBy('city')).toEqual(['cai', 'ana', 'dee', 'ben', 'eve']);
    expect(await sortedBy('city', true)).toEqual(['ben', 'dee', 'ana', 'cai', 'eve']);
    const byId = (await list({})).members.map((member) => member.profileId);
    expect(byId).toEqual([...byId].sort());
    expect(byId).toHaveLength(5);
  });

  it('pages without repeating or skipping anyone while members join and leave between pages', async () => {
    const page = (pageToken: string) =>
      list({ audience: 'paged', sortBy: 'score', descending: true, pageSize: 2, pageToken });
    const first = await page('');
    expect(first.members.map(userIdOf)).toEqual(['p6', 'p5']);
    await harness.send('acme', [
      identify('p_top', { group: 'paged', score: 100 }), // sorts before the page already read
      identify('p_low', { group: 'paged', score: 0 }), // sorts after it
      identify('p3', { group: 'left' }),
    ]);
    await harness.caughtUp();
    await eventually(async () => ((await page('')).size === 7 ? true : undefined));
    const seen = first.members.map(userIdOf);
    for (let token = first.nextPageToken; token; ) {
      const next = await page(token);
      seen.push(...next.members.map(userIdOf));
      token = next.nextPageToken;
    }
    expect(seen).toEqual(['p6', 'p5', 'p4', 'p2', 'p1', 'p_low']);
  });

  it('answers INVALID_ARGUMENT naming sort_by for a path that is not one, and page_token for another order', async () => {
    const badPath = await rpcFailureOf(list({ sortBy: 'address..city' }));
    expect(badPath.code).toBe(status.INVALID_ARGUMENT);
    expect(readErrorDetails(badPath).fieldViolations).toEqual([
      { field: 'sort_by', description: 'must not have an empty path segment' },
    ]);
    const { nextPageToken } = await list({ sortBy: 'score', pageSize: 1 });
    const otherOrder = await rpcFailureOf(list({ sortBy: 'city', pageToken: nextPageToken }));
    expect(readErrorDetails(otherOrder).fieldViolations.map((violation) => violation.field)).toEqual([
      'page_token',
    ]);
    const unsorted = await rpcFailureOf(list({ descending: true }));
    expect(readErrorDetails(unsorted).fieldViolations.map((violation) => violation.field)).toEqual([
      'descending',
    ]);
  });
});

describe('ExportMembers', () => {
  it('streams every member once, in batches, with the traits asked for and the total', async () => {
    const batches = await exportAll({ traitKeys: ['score', 'city'], batchSize: 2 });
    expect(batches.map((batch) => batch.members.length)).toEqual([2, 2, 1]);
    expect(batches.map((batch) => Number(batch.total))).toEqual([5, 5, 5]);
    const members = batches.flatMap((batch) => batch.members);
    expect(members.map(userIdOf).sort()).toEqual(['ana', 'ben', 'cai', 'dee', 'eve']);
    const eve = members.find((member) => userIdOf(member) === 'eve');
    expect(eve?.traits).toEqual({ score: -1.5 });
    expect(eve?.identifiers).toContainEqual({ type: 'user_id', value: 'eve' });
    expect(eve?.enterTime?.getTime()).toBeGreaterThan(0);
  });

  it('shows the traits the audience names by default, in one batch of up to 1000', async () => {
    const batches = await exportAll({});
    expect(batches).toHaveLength(1);
    expect(batches[0]?.members.map((member) => member.traits)).toContainEqual({ group: 'sorted' });
    expect((await exportAll({ audience: 'paged' })).flatMap((batch) => batch.members)).toHaveLength(7);
  });

  it('answers NOT_FOUND for an audience the space does not have and INVALID_ARGUMENT naming the field', async () => {
    expect((await rpcFailureOf(exportAll({ audience: 'no_such_audience' }))).code).toBe(status.NOT_FOUND);
    const tooBig = await rpcFailureOf(exportAll({ batchSize: 10_001 }));
    expect(tooBig.code).toBe(status.INVALID_ARGUMENT);
    expect(readErrorDetails(tooBig).fieldViolations.map((violation) => violation.field)).toEqual([
      'batch_size',
    ]);
    const badTrait = await rpcFailureOf(exportAll({ traitKeys: ['score', ''] }));
    expect(readErrorDetails(badTrait).fieldViolations.map((violation) => violation.field)).toEqual([
      'trait_keys[1]',
    ]);
  });
});

describe('prism audiences members --sort-by and export', () => {
  it('lists members sorted by a trait, largest first with --desc', async () => {
    const { out } = await runAudiencesCli(harness, 'members', 'sorted', '--sort-by', 'signup', '--desc');
    const order = [...out.matchAll(/user_id:(\w+)/g)].map((match) => match[1]);
    expect(order).toEqual(['eve', 'cai', 'ana', 'ben', 'dee']);
  });

  it('writes every member to a CSV file with identifier and trait columns, quoted where needed', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'prism-export-')), 'sorted.csv');
    await runAudiencesCli(harness, 'export', 'sorted', '--traits', 'city,score', '--out', file);
    const [header, ...rows] = parse(await readFile(file, 'utf8')) as string[][];
    expect(header).toEqual([
      'profile_id',
      'email',
      'phone',
      'user_id',
      'anonymous_id',
      'other_identifiers',
      'city',
      'score',
      'entered_at',
    ]);
    expect(rows.map((row) => row[3]).sort()).toEqual(['ana', 'ben', 'cai', 'dee', 'eve']);
    expect(rows.find((row) => row[3] === 'dee')?.slice(6, 8)).toEqual(['Zagreb, "old town"', '']);
  });
});
