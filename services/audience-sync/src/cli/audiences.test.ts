import { type ServiceError, status } from '@grpc/grpc-js';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudiencesCli } from '../testing/cli.js';
import { type AudienceHarness, startAudienceWorld } from '../testing/harness.js';

let harness: AudienceHarness;
beforeAll(async () => {
  harness = await startAudienceWorld();
  await harness.send('acme', [
    { type: 'identify', userId: 'ada', traits: { plan: 'pro', age: 36 } },
    { type: 'identify', userId: 'bob', traits: { plan: 'free', age: 41 } },
    { type: 'identify', userId: 'cy', traits: { plan: 'pro', age: 29 } },
  ]);
  await harness.caughtUp();
}, 60_000);
afterAll(() => harness?.stop());

const prism = (...args: string[]) => runAudiencesCli(harness, ...args);

const proRule = '{"trait":{"key":"plan","operator":"OPERATOR_EQUALS","value":"pro"}}';

describe('prism audiences', () => {
  it('creates an audience from a --rule, follows its build and prints its size; get, list and members show it', async () => {
    const created = await prism('create', '--key', 'pro_users', '--name', 'Pro users', '--rule', proRule);
    expect(created.out).toBe('audience pro_users is live: 2 members');
    expect(created.warnings).toEqual([]);

    const details = (await prism('get', 'pro_users')).out;
    expect(details).toMatch(/^rule\s+plan = "pro"$/m);
    expect(details).toMatch(/^status\s+live$/m);
    expect(details).toMatch(/^size\s+2$/m);

    const listed = (await prism('list')).out;
    expect(listed).toMatch(/pro_users\s*│ dynamic\s*│ 2\s*│ live\s*│ 1\s*│/);

    const members = (await prism('members', 'pro_users')).out;
    expect(members).toMatch(/│ user_id:ada\s*│ plan = "pro"\s*│/);
    expect(members).toMatch(/│ user_id:cy\s*│ plan = "pro"\s*│/);
    expect(members).not.toContain('user_id:bob');
    expect(members).toMatch(/2 of 2 members$/);
    expect((await prism('members', 'pro_users', '--limit', '1')).out).toMatch(/1 of 2 members$/);
  });

  it('prints the warnings of the answer, such as a trait no profile has yet', async () => {
    const rule = '{"trait":{"key":"tier","operator":"OPERATOR_EXISTS"}}';
    const created = await prism('create', '--key', 'tiered', '--name', 'Tiered', '--rule', rule);
    expect(created.warnings).toEqual([
      'warning: no profile of this space has trait "tier" yet; profiles join as the data arrives',
    ]);
    expect(created.out).toBe('audience tiered is live: 0 members');
  });

  it('creates a static list with --static', async () => {
    expect((await prism('create', '--key', 'vips', '--name', 'VIPs', '--static')).out).toBe(
      'audience vips is live: 0 members',
    );
    expect((await prism('get', 'vips')).out).not.toMatch(/^rule/m);
  });

  it('creates a lookalike of an audience with --lookalike-of and --percent, and shows its seed', async () => {
    const created = await prism(
      'create',
      '--key',
      'like_pro',
      '--name',
      'Like pro users',
      '--lookalike-of',
      'pro_users',
      '--percent',
      '5',
    );
    // bob is the one non-member of pro_users: 5 % of one, rounded up.
    expect(created.out).toBe('audience like_pro is live: 1 members');
    const details = (await prism('get', 'like_pro')).out;
    expect(details).toMatch(/^kind\s+lookalike$/m);
    expect(details).toMatch(/^lookalike\s+5 % of the non-members most like pro_users$/m);
    expect((await prism('members', 'like_pro')).out).toMatch(/│ user_id:bob\s*│/);
    const tooMany = prism(
      'create',
      '--key',
      'like_more',
      '--name',
      'x',
      '--lookalike-of',
      'pro_users',
      '--percent',
      '11',
    );
    const failure = (await tooMany.catch((error) => error)) as ServiceError;
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.details).toContain('spec.lookalike.percent');
  });

  it('recomputes an audience and prints its size once the recompute is over', async () => {
    const rule = '{"trait":{"key":"age","operator":"OPERATOR_GREATER_THAN","value":30}}';
    await prism('create', '--key', 'over_thirty', '--name', 'Over 30', '--rule', rule);
    const before = await harness.live('acme', 'over_thirty');
    expect((await prism('recompute', 'over_thirty')).out).toBe('audience over_thirty is live: 2 members');
    const after = await harness.live('acme', 'over_thirty');
    expect(after.status?.lastComputedTime?.getTime()).toBeGreaterThan(
      before.status?.lastComputedTime?.getTime() ?? Number.POSITIVE_INFINITY,
    );
  });

  it('refuses a create with neither a rule nor --static, and a --rule that is not JSON', async () => {
    await expect(prism('create', '--key', 'nothing', '--name', 'Nothing')).rejects.toThrow(
      'give a rule (--rule or --rule-file), make it --static, or --lookalike-of an audience',
    );
    const badJson = prism('create', '--key', 'bad', '--name', 'Bad', '--rule', '{plan: pro}');
    await expect(badJson).rejects.toBeInstanceOf(CommanderError);
    await expect(badJson).rejects.toThrow(/option '--rule <json>' argument .* is invalid\. not valid JSON/);
  });

  it('prints who entered and exited per day and the size now, for the days asked', async () => {
    await prism('create', '--key', 'pro_daily', '--name', 'Pro daily', '--rule', proRule);
    const { out } = await prism('analytics', 'pro_daily', '--days', '2');
    const today = new Date().toISOString().slice(0, 10);
    expect(out.match(/^│ \d{4}-\d{2}-\d{2}/gm)).toHaveLength(2);
    expect(out).toMatch(new RegExp(`│ ${today}\\s*│ 2\\s*│ 0\\s*│ 2\\s*│`));
    expect(out).toMatch(/2 members now$/);
    expect((await prism('analytics', 'pro_daily')).out.match(/^│ \d{4}-/gm)).toHaveLength(30);
  });

  it("rejects with the service's error for an audience the space does not have", async () => {
    const failure = (await prism('get', 'no_such_audience').catch((error) => error)) as ServiceError;
    expect(failure.code).toBe(status.NOT_FOUND);
    expect(failure.details).toContain('no_such_audience');
  });
});
