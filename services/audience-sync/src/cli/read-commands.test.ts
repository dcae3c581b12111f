import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudiencesCli } from '../testing/cli.js';
import { type AudienceHarness, startAudienceWorld } from '../testing/harness.js';

let harness: AudienceHarness;
beforeAll(async () => {
  harness = await startAudienceWorld();
  await harness.send('acme', [
    { type: 'identify', userId: 'ada', traits: { plan: 'pro', age: 36, interests: ['running'] } },
    { type: 'identify', userId: 'bob', traits: { plan: 'free', age: 41, interests: ['running'] } },
    { type: 'identify', userId: 'cy', traits: { plan: 'pro', age: 22 } },
  ]);
  await harness.caughtUp();
}, 60_000);
afterAll(() => harness?.stop());

const prism = (...args: string[]) => runAudiencesCli(harness, ...args);

const proAdults = JSON.stringify({
  all: {
    rules: [
      { trait: { key: 'plan', operator: 'OPERATOR_EQUALS', value: 'pro' } },
      { trait: { key: 'age', operator: 'OPERATOR_GREATER_OR_EQUAL', value: 30 } },
    ],
  },
});

describe('prism audiences preview, explain and overlap', () => {
  it('previews a rule as its count, a tree of each condition’s count and a sample', async () => {
    const { out } = await prism('preview', '--rule', proAdults, '--sample', '3');
    expect(out).toMatch(/^1 of 3 profiles \(33\.3 %\) · counted in \d+\.\d ms$/m);
    expect(out).toMatch(/^plan = "pro" and age ≥ 30\s+1$/m);
    expect(out).toMatch(/^├─ plan = "pro"\s+2$/m);
    expect(out).toMatch(/^└─ age ≥ 30\s+2$/m);
    expect(out).toContain('user_id:ada');
    expect(out).not.toContain('user_id:cy');
  });

  it('explains a person’s place in an audience with a mark and their value at each condition', async () => {
    await prism('create', '--key', 'pro_adults', '--name', 'Pro adults', '--rule', proAdults);
    const { out } = await prism('explain', 'pro_adults', 'user_id:cy');
    expect(out.split('\n')).toEqual([
      'out: age ≥ 30 does not hold (is 22)',
      '',
      '✗ plan = "pro" and age ≥ 30',
      '├─ ✓ plan = "pro"   → "pro"',
      '└─ ✗ age ≥ 30   → 22',
    ]);
  });

  it('shows the overlap of two audiences', async () => {
    const runners = JSON.stringify({
      trait: { key: 'interests', operator: 'OPERATOR_CONTAINS', value: 'running' },
    });
    await prism('create', '--key', 'runners', '--name', 'Runners', '--rule', runners);
    const { out } = await prism('overlap', 'runners', 'pro_adults');
    expect(out.split('\n')).toEqual([
      'runners: 2 · pro_adults: 1',
      'both                     1  (50.0 % of runners, 100.0 % of pro_adults)',
      'only runners             1',
      'only pro_adults          0',
    ]);
  });
});
