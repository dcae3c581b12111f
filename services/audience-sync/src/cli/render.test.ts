import { stripVTControlCharacters as plain } from 'node:util';
import { type Audience, AudienceKind, ComputeState } from '@prism/proto/prism/audience/v1/audience';
import { Operator } from '@prism/proto/prism/rules/v1/rule';
import { describe, expect, it } from 'vitest';
import { analyticsTable, audienceDetails, audiencesTable, membersTable, statusLine } from './render.js';

const at = new Date('2026-03-04T05:06:07.890Z');
const audience = (overrides: Partial<Audience> = {}): Audience => ({
  id: 'audience_1',
  key: 'pro_users',
  name: 'Pro users',
  description: '',
  kind: AudienceKind.AUDIENCE_KIND_DYNAMIC,
  rule: {
    node: { $case: 'trait', value: { key: 'plan', operator: Operator.OPERATOR_EQUALS, value: 'pro' } },
  },
  version: 2,
  size: 42,
  status: { state: ComputeState.COMPUTE_STATE_LIVE, progress: 1, error: '', lastComputedTime: at },
  campaign: undefined,
  createTime: at,
  updateTime: at,
  ...overrides,
});
const lineOf = (text: string, label: string) => text.split('\n').find((line) => line.startsWith(`${label} `));

describe('audience status', () => {
  it('reads live, building with its percentage, and failed with the reason', () => {
    expect(statusLine(audience())).toBe('live');
    const building = { state: ComputeState.COMPUTE_STATE_BUILDING, progress: 0.404, error: '' };
    expect(statusLine(audience({ status: building }))).toBe('building 40 %');
    const failed = {
      state: ComputeState.COMPUTE_STATE_FAILED,
      progress: 0,
      error: 'profile service unavailable',
    };
    expect(statusLine(audience({ status: failed }))).toBe('failed: profile service unavailable');
  });
});

describe('audiences table', () => {
  it('shows key, kind, size, status, version and the update time to the second, one row per audience', () => {
    const table = plain(
      audiencesTable([
        audience(),
        audience({
          key: 'vip_list',
          kind: AudienceKind.AUDIENCE_KIND_STATIC,
          rule: undefined,
          size: 3,
          version: 1,
        }),
      ]),
    );
    const rows = table.split('\n').filter((line) => /pro_users|vip_list/.test(line));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/pro_users\s*│ dynamic\s*│ 42\s*│ live\s*│ 2\s*│ 2026-03-04 05:06:07Z/);
    expect(rows[1]).toMatch(/vip_list\s*│ static\s*│ 3\s*│ live\s*│ 1\s*│/);
    expect(table.split('\n')[1]).toMatch(/key.*kind.*size.*status.*version.*updated/);
  });
});

describe('audience details', () => {
  it('describes the rule in one line and leaves out what the audience does not have', () => {
    const details = audienceDetails(audience());
    expect(lineOf(details, 'rule')).toMatch(/^rule\s+plan = "pro"$/);
    expect(lineOf(details, 'size')).toMatch(/^size\s+42$/);
    expect(lineOf(details, 'computed')).toMatch(/2026-03-04 05:06:07Z$/);
    expect(lineOf(details, 'description')).toBeUndefined();
    expect(lineOf(details, 'campaign')).toBeUndefined();
  });

  it("names a campaign audience's source: its segment, persona or the union, at its epoch", () => {
    const source = { campaignId: 'cmp_1', epoch: 3, segmentId: '', personaId: '', union: false };
    const of = (part: Partial<typeof source>) =>
      lineOf(
        audienceDetails(
          audience({ kind: AudienceKind.AUDIENCE_KIND_CAMPAIGN, campaign: { ...source, ...part } }),
        ),
        'campaign',
      );
    expect(of({ segmentId: 'seg_2' })).toMatch(/campaign cmp_1 · epoch 3 · segment seg_2$/);
    expect(of({ personaId: 'per_5' })).toMatch(/campaign cmp_1 · epoch 3 · persona per_5$/);
    expect(of({ union: true })).toMatch(/campaign cmp_1 · epoch 3 · union$/);
  });

  it('has no rule line for a static list', () => {
    const details = audienceDetails(audience({ kind: AudienceKind.AUDIENCE_KIND_STATIC, rule: undefined }));
    expect(lineOf(details, 'kind')).toMatch(/static$/);
    expect(lineOf(details, 'rule')).toBeUndefined();
  });
});

describe('members table', () => {
  it('lists each identifier as type:value and each named trait with its JSON value', () => {
    const table = plain(
      membersTable([
        {
          profileId: 'profile_1',
          identifiers: [
            { type: 'user_id', value: 'ada' },
            { type: 'email', value: 'ada@example.com' },
          ],
          traits: { plan: 'pro', age: 36 },
          enterTime: at,
        },
        { profileId: 'profile_2', identifiers: [], traits: undefined, enterTime: undefined },
      ]),
    );
    expect(table).toMatch(/profile_1\s*│ user_id:ada\s*│ plan = "pro"\s*│ 2026-03-04 05:06:07Z/);
    expect(table).toMatch(/│ email:ada@example.com\s*│ age = 36\s*│/);
    expect(table).toMatch(/profile_2\s*│ —\s*│ —\s*│ —/);
  });
});

describe('audience analytics table', () => {
  it('shows one row per day, oldest first: date, entered, exited, size', () => {
    const table = plain(
      analyticsTable([
        { date: '2026-03-03', entered: 0, exited: 0, size: 40 },
        { date: '2026-03-04', entered: 5, exited: 3, size: 42 },
      ]),
    );
    expect(table).toMatch(/date\s*│ entered\s*│ exited\s*│ size/);
    expect(table).toMatch(/2026-03-03\s*│ 0\s*│ 0\s*│ 40\s*│[\s\S]*2026-03-04\s*│ 5\s*│ 3\s*│ 42\s*│/);
  });
});
