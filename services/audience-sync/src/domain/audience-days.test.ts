import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AudienceDay, countByDay, dailySeries, dayOf, windowOf } from './audience-days.js';
import type { MembershipChange } from './membership.js';

const HOUR = 3_600_000;
const start = Date.parse('2026-03-30T20:00:00Z');

const change = (audienceId: string, profileId: string, entered: boolean, at: number, silent = false) => ({
  audienceId,
  profileId,
  entered,
  at,
  cause: { kind: 'PROFILE_EVENT' as const },
  ...(silent && { silent }),
});

/** One step of a history: a person of an audience flips, some hours later, maybe closing a chunk. */
const stepArb = fc.record({
  audience: fc.constantFrom('a1', 'a2'),
  person: fc.nat(5),
  hoursLater: fc.nat(14),
  silent: fc.boolean(),
  closesChunk: fc.boolean(),
});

type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

/** Chunks of consistent changes (people enter when out, exit when in) over a few days. */
function historyOf(steps: readonly Step[]) {
  const members = new Map<string, Set<string>>();
  const chunks: MembershipChange[][] = [[]];
  let at = start;
  for (const step of steps) {
    at += step.hoursLater * HOUR;
    const held = members.get(step.audience) ?? new Set<string>();
    members.set(step.audience, held);
    const profileId = `p${step.person}`;
    const entered = !held.has(profileId);
    chunks.at(-1)?.push(change(step.audience, profileId, entered, at, !entered && step.silent));
    if (entered) held.add(profileId);
    else held.delete(profileId);
    if (step.closesChunk) chunks.push([]);
  }
  return chunks;
}

/** What the days should say, recounted change by change. */
function recount(chunks: readonly MembershipChange[][]) {
  const days = new Map<string, AudienceDay>();
  const sizes = new Map<string, number>();
  for (const item of chunks.flat()) {
    const size = (sizes.get(item.audienceId) ?? 0) + (item.entered ? 1 : -1);
    sizes.set(item.audienceId, size);
    const key = `${item.audienceId}|${dayOf(item.at)}`;
    const day = days.get(key) ?? { date: dayOf(item.at), entered: 0, exited: 0, size };
    days.set(key, {
      ...day,
      entered: day.entered + (item.entered ? 1 : 0),
      exited: day.exited + (!item.entered && !item.silent ? 1 : 0),
      size,
    });
  }
  return days;
}

describe('audience days', () => {
  it('counts a chunk per audience and UTC day, an earlier day ending at the size before the later changes', () => {
    const evening = Date.parse('2026-03-30T23:00:00Z');
    const morning = Date.parse('2026-03-31T01:00:00Z');
    const counts = countByDay(
      [
        change('a1', 'p1', true, evening),
        change('a1', 'p2', true, evening),
        change('a1', 'p1', false, morning),
        change('a1', 'p3', true, morning),
        change('a1', 'p4', true, morning),
        change('gone', 'p1', true, morning),
      ],
      (audienceId) => (audienceId === 'a1' ? 12 : undefined),
    );
    expect(counts).toEqual([
      { audienceId: 'a1', date: '2026-03-30', entered: 2, exited: 0, size: 11 },
      { audienceId: 'a1', date: '2026-03-31', entered: 2, exited: 1, size: 12 },
    ]);
  });

  it('does not count a silent exit as an exit, but the size shrinks by it', () => {
    const at = Date.parse('2026-03-30T10:00:00Z');
    const counts = countByDay([change('a1', 'p1', false, at, true), change('a1', 'p2', false, at)], () => 3);
    expect(counts).toEqual([{ audienceId: 'a1', date: '2026-03-30', entered: 0, exited: 1, size: 3 }]);
  });

  it('keeps, chunk after chunk, the figures a recount of every change gives', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => {
        const chunks = historyOf(steps);
        const kept = new Map<string, AudienceDay>();
        const sizes = new Map<string, number>();
        for (const chunk of chunks) {
          for (const item of chunk)
            sizes.set(item.audienceId, (sizes.get(item.audienceId) ?? 0) + (item.entered ? 1 : -1));
          for (const { audienceId, ...day } of countByDay(chunk, (id) => sizes.get(id))) {
            const key = `${audienceId}|${day.date}`;
            const before = kept.get(key) ?? { entered: 0, exited: 0 };
            kept.set(key, {
              ...day,
              entered: before.entered + day.entered,
              exited: before.exited + day.exited,
            });
          }
        }
        expect(kept).toEqual(recount(chunks));
      }),
    );
  });

  it('answers the window of days ending today, oldest first, across a month and a year', () => {
    expect(windowOf(Date.parse('2026-03-01T05:00:00Z'), 3)).toEqual({
      from: '2026-02-27',
      to: '2026-03-01',
      dates: ['2026-02-27', '2026-02-28', '2026-03-01'],
    });
    expect(windowOf(Date.parse('2027-01-01T23:59:59Z'), 2).dates).toEqual(['2026-12-31', '2027-01-01']);
    expect(windowOf(Date.parse('2028-03-01T00:00:00Z'), 366).from).toBe('2027-03-02');
  });

  it('fills days without changes with the size of the day before, or the size before the window', () => {
    const window = ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04'];
    const stored = [{ date: '2026-03-03', entered: 2, exited: 1, size: 6 }];
    expect(dailySeries(window, stored, 5)).toEqual([
      { date: '2026-03-01', entered: 0, exited: 0, size: 5 },
      { date: '2026-03-02', entered: 0, exited: 0, size: 5 },
      { date: '2026-03-03', entered: 2, exited: 1, size: 6 },
      { date: '2026-03-04', entered: 0, exited: 0, size: 6 },
    ]);
    expect(dailySeries(window.slice(0, 2), [], 0).map((day) => day.size)).toEqual([0, 0]);
  });
});
