import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MemberOrder, type MemberPlace, membersInOrder } from './member-order.js';
import { ProfileIndex } from './profile-index.js';

const AUDIENCE = 'audience_1';

function indexOf(profiles: Record<string, Record<string, unknown>>): ProfileIndex {
  const index = new ProfileIndex();
  for (const [id, traits] of Object.entries(profiles)) join(index, id, traits);
  return index;
}

function join(index: ProfileIndex, id: string, traits: Record<string, unknown>): void {
  index.upsert(id, traits);
  index.setMember(AUDIENCE, id, true);
}

/** Every member in order, page after page of `size`, each page after the last one's place. */
function pages(index: ProfileIndex, order: MemberOrder, size: number, between?: () => void): string[] {
  const seen: string[] = [];
  let after: MemberPlace | undefined;
  for (;;) {
    const { page, more } = membersInOrder(index, index.members(AUDIENCE), order, after, size);
    seen.push(...page.map((member) => member.profileId));
    after = page.at(-1);
    if (!more) return seen;
    between?.();
  }
}

const ascending = (path: string): MemberOrder => ({ path, descending: false });
const descending = (path: string): MemberOrder => ({ path, descending: true });

describe('members in the order of a trait', () => {
  const index = indexOf({
    p1: { score: 10, signup: '2024-03-01', city: 'berlin' },
    p2: { score: '9.5', signup: '2024-01-15T10:00:00+02:00', city: 'Berlin' },
    p3: { score: 100, signup: '2023-12-31T23:59:59Z', city: 'Zürich' },
    p4: { city: 'amsterdam' },
    p5: { score: [1, 2], signup: 'soon' },
    p6: { score: 10, signup: '2024-03-01T00:00:00Z', city: true },
  });

  it('sorts numbers (and numeric strings) numerically, members without a number last in both directions', () => {
    expect(pages(index, ascending('score'), 10)).toEqual(['p2', 'p1', 'p6', 'p3', 'p4', 'p5']);
    expect(pages(index, descending('score'), 10)).toEqual(['p3', 'p1', 'p6', 'p2', 'p4', 'p5']);
  });

  it('sorts ISO dates by their instant (no offset is UTC), after them other text, then members without one', () => {
    expect(pages(index, ascending('signup'), 10)).toEqual(['p3', 'p2', 'p1', 'p6', 'p5', 'p4']);
    expect(pages(index, descending('signup'), 10)).toEqual(['p5', 'p1', 'p6', 'p2', 'p3', 'p4']);
  });

  it('sorts text and booleans in code-unit order (upper case first), ties by profile id', () => {
    expect(pages(index, ascending('city'), 10)).toEqual(['p2', 'p3', 'p4', 'p1', 'p6', 'p5']);
    expect(pages(index, descending('city'), 10)).toEqual(['p6', 'p1', 'p4', 'p3', 'p2', 'p5']);
  });

  it('sorts by the values members have now, also values new since the last page', () => {
    const changing = indexOf({ a: { city: 'Bonn' }, b: { city: 'Kiel' }, c: { city: 'Ulm' } });
    expect(pages(changing, ascending('city'), 10)).toEqual(['a', 'b', 'c']);
    changing.upsert('c', { city: 'Aachen' });
    changing.upsert('a', { city: '2020-01-01' });
    expect(pages(changing, ascending('city'), 10)).toEqual(['a', 'c', 'b']);
  });

  it('orders by profile id without a trait path, and for a path no member has', () => {
    expect(pages(index, ascending(''), 4)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    expect(pages(index, descending('nobody.has'), 4)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
  });

  it('pages through the same order whatever the page size', () => {
    const value = fc.oneof(
      fc.integer({ min: -5, max: 5 }),
      fc.constantFrom('3', '2024-01-01', '2024-01-01T00:00:00Z', 'a', 'B', true, false, [1]),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(
        fc.array(value, { maxLength: 30 }),
        fc.integer({ min: 1, max: 7 }),
        fc.boolean(),
        (values, size, desc) => {
          const profiles = Object.fromEntries(
            values.map((score, i) => [
              `p${String(i).padStart(2, '0')}`,
              score === undefined ? {} : { score },
            ]),
          );
          const random = indexOf(profiles);
          const order = { path: 'score', descending: desc };
          const whole = pages(random, order, 1000);
          expect(pages(random, order, size)).toEqual(whole);
          expect([...whole].sort()).toEqual(Object.keys(profiles).sort());
        },
      ),
    );
  });

  it('neither repeats nor skips a member while others join and leave between pages', () => {
    const changing = indexOf(
      Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`m${i}`, { score: i * 10 }])),
    );
    let turn = 0;
    const seen = pages(changing, ascending('score'), 3, () => {
      turn += 1;
      join(changing, `early${turn}`, { score: -1 }); // before every page already shown
      join(changing, `late${turn}`, { score: 1000 + turn }); // after the page shown
      changing.setMember(AUDIENCE, `late${turn - 1}`, false);
    });
    const stable = Array.from({ length: 10 }, (_, i) => `m${i}`);
    expect(seen.filter((id) => id.startsWith('m'))).toEqual(stable);
    expect(seen.filter((id) => id.startsWith('early'))).toEqual([]);
    expect(seen.at(-1)).toBe(`late${turn}`);
  });
});
