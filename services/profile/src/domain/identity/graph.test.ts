import { describe, expect, it } from 'vitest';
import type { ProfileRecord } from './graph.js';
import type { Identifier } from './identifier.js';
import { parseIdentityRules, DEFAULT_IDENTITY_RULES as rules } from './rules.js';
import { testGraph } from './test-support.js';

const user = (value: string): Identifier => ({ type: 'user_id', value });
const anon = (value: string): Identifier => ({ type: 'anonymous_id', value });
const email = (value: string): Identifier => ({ type: 'email', value });
const phone = (value: string): Identifier => ({ type: 'phone', value });

function stored(id: string, identifiers: Identifier[], createdAt = 1, mergeCount = 0): ProfileRecord {
  return { id, identifiers, createdAt, mergeCount };
}

describe('identity resolution', () => {
  it('creates a profile when none of the identifiers is known', () => {
    expect(testGraph().resolve([user('u1'), email(' Jane@X.com ')], rules)).toEqual({
      kind: 'created',
      profileId: 'p1',
      identifiers: [user('u1'), email('jane@x.com')],
      blocked: [],
      demoted: [],
    });
  });

  it('attaches new identifiers to the one profile that holds a known one', () => {
    const graph = testGraph([stored('a', [anon('a1')])]);
    expect(graph.resolve([user('u1'), anon('a1')], rules)).toMatchObject({
      kind: 'attached',
      profileId: 'a',
      added: [user('u1')],
    });
    expect(graph.resolve([anon('a1'), user('u1')], rules)).toMatchObject({
      kind: 'unchanged',
      profileId: 'a',
    });
  });

  it('merges two profiles when an event links their identifiers, into the oldest', () => {
    const graph = testGraph([stored('a', [anon('a1')], 2), stored('b', [email('e@x.com')], 1, 1)]);
    expect(graph.resolve([anon('a1'), email('e@x.com'), phone('+1555')], rules)).toMatchObject({
      kind: 'merged',
      profileId: 'b',
      merged: ['a'],
      added: [phone('+1555')],
    });
    expect(graph.profile('b')).toEqual(stored('b', [email('e@x.com'), anon('a1'), phone('+1555')], 1, 2));
    expect(graph.profile('a')).toBeUndefined();
    expect(graph.survivorOf('a')).toBe('b');
  });

  it('lets the smaller id survive a merge of profiles created at the same time', () => {
    const graph = testGraph([stored('y', [anon('a1')]), stored('x', [anon('a2')])]);
    expect(graph.resolve([anon('a1'), anon('a2')], rules)).toMatchObject({ profileId: 'x', merged: ['y'] });
  });

  it('ignores blocked values, case-insensitively, and reports them', () => {
    const graph = testGraph();
    expect(graph.resolve([user('NULL'), anon('00-000'), email('e@x.com')], rules)).toMatchObject({
      kind: 'created',
      identifiers: [email('e@x.com')],
      blocked: [user('NULL'), anon('00-000')],
    });
    expect(graph.resolve([user('undefined')], rules)).toEqual({
      kind: 'unidentified',
      blocked: [user('undefined')],
      demoted: [],
    });
  });

  it('demotes the lowest-priority identifier when linking would exceed a limit, and creates a profile of the rest', () => {
    const graph = testGraph([stored('a', [user('u1'), anon('a1')])]);
    expect(graph.resolve([anon('a1'), user('u2')], rules)).toEqual({
      kind: 'created',
      profileId: 'p1',
      identifiers: [user('u2')],
      blocked: [],
      demoted: [anon('a1')],
    });
    expect(graph.profile('a')?.identifiers).toEqual([user('u1'), anon('a1')]);
  });

  it('applies limits within one message too, keeping the earlier identifier of a type', () => {
    const result = testGraph().resolve([user('u1'), user('u9')], rules);
    expect(result).toMatchObject({ kind: 'created', identifiers: [user('u1')], demoted: [user('u9')] });
  });

  describe('priority decides what is demoted', () => {
    it('keeps the user_id and demotes the email when both cannot link', () => {
      const graph = testGraph([stored('a', [user('u1'), email('e@x.com')]), stored('b', [user('u2')])]);
      expect(graph.resolve([email('e@x.com'), user('u2')], rules)).toMatchObject({
        kind: 'unchanged',
        profileId: 'b',
        demoted: [email('e@x.com')],
      });
    });

    it('follows a space that ranks anonymous_id above user_id', () => {
      const anonymousFirst = parseIdentityRules({
        priority: ['anonymous_id', 'user_id', 'email', 'phone', '*'],
      });
      const graph = testGraph([stored('a', [user('u1'), anon('a1')])]);
      expect(graph.resolve([anon('a1'), user('u2')], anonymousFirst)).toMatchObject({
        kind: 'unchanged',
        profileId: 'a',
        demoted: [user('u2')],
      });
    });
  });

  it('refuses a merge beyond the merge cap by demoting', () => {
    const capped = parseIdentityRules({ maxMergesPerProfile: 1 });
    const graph = testGraph([stored('a', [email('e@x.com')], 1, 1), stored('b', [anon('a1')], 2)]);
    expect(graph.resolve([email('e@x.com'), anon('a1')], capped)).toMatchObject({
      kind: 'unchanged',
      profileId: 'a',
      demoted: [anon('a1')],
    });
  });

  it('leaves a profile over a tightened limit as it is, but does not let it grow in that type', () => {
    const oneEmail = parseIdentityRules({ limits: { email: 1 } });
    const graph = testGraph([stored('a', [email('e1@x.com'), email('e2@x.com')])]);
    expect(graph.resolve([email('e1@x.com'), anon('a1')], oneEmail)).toMatchObject({ kind: 'attached' });
    expect(graph.resolve([email('e1@x.com'), email('e3@x.com')], oneEmail)).toMatchObject({
      kind: 'unchanged',
      demoted: [email('e3@x.com')],
    });
  });

  it('reports only what changed since load, without profiles born and merged in the same batch', () => {
    const untouched = stored('c', [phone('+1555')], 3);
    const graph = testGraph([stored('a', [anon('a1')], 1), stored('b', [email('e@x.com')], 2), untouched]);
    graph.resolve([email('e@x.com'), anon('a1')], rules);
    expect(graph.resolve([user('u1')], rules)).toMatchObject({ kind: 'created', profileId: 'p1' });
    expect(graph.resolve([user('u1'), anon('a1')], rules)).toMatchObject({ profileId: 'a', merged: ['p1'] });
    expect(graph.changes()).toEqual({
      created: [],
      updated: [stored('a', [anon('a1'), email('e@x.com'), user('u1')], 1, 2)],
      removed: [{ profileId: 'b', mergedInto: 'a' }],
      claims: [
        { identifier: email('e@x.com'), profileId: 'a' },
        { identifier: user('u1'), profileId: 'a' },
      ],
    });
    expect(graph.survivorOf('p1')).toBe('a');
  });

  it('refuses to load an identifier held by two profiles', () => {
    expect(() => testGraph([stored('a', [anon('a1')]), stored('b', [anon('a1')])])).toThrow(
      'anonymous_id:a1 is loaded on profiles a and b',
    );
  });
});
