import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import type { ExportMembersResponse, Member } from '@prism/proto/prism/audience/v1/audience';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { writeMembersCsv } from './members-csv.js';

const ada: Member = {
  profileId: 'prof_ada',
  identifiers: [
    { type: 'email', value: 'ada@example.com' },
    { type: 'email', value: 'ada@work.example' },
    { type: 'user_id', value: 'ada' },
    { type: 'crm_id', value: 'C-1' },
  ],
  traits: { name: 'Lovelace, "Ada"', address: { city: 'London\nUK' }, tags: ['math', 'poetry'], vip: true },
  enterTime: new Date('2026-01-02T03:04:05Z'),
};
const bob: Member = {
  profileId: 'prof_bob',
  identifiers: [{ type: 'phone', value: '+4915112345' }],
  traits: { name: '=HYPERLINK("x")', score: 7.5 },
  enterTime: new Date('2026-01-03T00:00:00Z'),
};

async function* exported(...batches: Member[][]): AsyncGenerator<ExportMembersResponse> {
  const total = batches.flat().length;
  for (const members of batches) yield { members, total };
}

async function csvOf(
  batches: AsyncIterable<ExportMembersResponse>,
  traitPaths: string[],
  escapeFormulas = false,
) {
  const out = new PassThrough();
  const progress: [number, number][] = [];
  const [written] = await Promise.all([
    text(out),
    writeMembersCsv(batches, out, { traitPaths, escapeFormulas }, (count, total) =>
      progress.push([count, total]),
    ),
  ]);
  return { written, progress };
}

describe('the members CSV', () => {
  it('has a column per ad-platform identifier, one for the others, then the traits asked for and the entry time', async () => {
    const { written, progress } = await csvOf(exported([ada], [bob]), [
      'name',
      'address.city',
      'tags',
      'vip',
      'score',
    ]);
    expect(parse(written)).toEqual([
      [
        'profile_id',
        'email',
        'phone',
        'user_id',
        'anonymous_id',
        'other_identifiers',
        'name',
        'address.city',
        'tags',
        'vip',
        'score',
        'entered_at',
      ],
      [
        'prof_ada',
        'ada@example.com; ada@work.example',
        '',
        'ada',
        '',
        'crm_id:C-1',
        'Lovelace, "Ada"',
        'London\nUK',
        '["math","poetry"]',
        'true',
        '',
        '2026-01-02T03:04:05.000Z',
      ],
      [
        'prof_bob',
        '',
        '+4915112345',
        '',
        '',
        '',
        '=HYPERLINK("x")',
        '',
        '',
        '',
        '7.5',
        '2026-01-03T00:00:00.000Z',
      ],
    ]);
    expect(progress).toEqual([
      [1, 2],
      [1, 2],
    ]);
  });

  it('quotes commas, quotes and line breaks as RFC 4180 does', async () => {
    const { written } = await csvOf(exported([ada]), ['name', 'address.city']);
    expect(written.split('\n')[1]).toBe(
      'prof_ada,ada@example.com; ada@work.example,,ada,,crm_id:C-1,"Lovelace, ""Ada""","London',
    );
  });

  it('escapes cells a spreadsheet would run as formulas only when asked', async () => {
    const escaped = parse((await csvOf(exported([bob]), ['name'], true)).written);
    expect(escaped[1]).toEqual([
      'prof_bob',
      '',
      "'+4915112345",
      '',
      '',
      '',
      '\'=HYPERLINK("x")',
      '2026-01-03T00:00:00.000Z',
    ]);
  });

  it('writes only the header for an audience without members', async () => {
    const { written } = await csvOf(exported([]), []);
    expect(written).toBe('profile_id,email,phone,user_id,anonymous_id,other_identifiers,entered_at\n');
  });
});
