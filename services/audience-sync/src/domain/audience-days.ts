import type { MembershipChange } from './membership.js';

const DAY_MS = 86_400_000;

/** A UTC day as `YYYY-MM-DD`: the unit audience analytics count in. */
export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** An audience's day: who entered and exited, and its members at the end of it. */
export interface AudienceDay {
  date: string;
  entered: number;
  exited: number;
  size: number;
}

/** What one committed chunk did to one audience on one UTC day. */
export interface AudienceDayCount extends AudienceDay {
  audienceId: string;
}

/**
 * A chunk's changes counted per audience and UTC day of the change. `sizeAfter` is an
 * audience's size with the whole chunk applied: an earlier day of the chunk ends at that size
 * less what its later days changed. A silent exit (a merged-away member whose survivor stays)
 * counts as no exit but shrinks the size. Audiences `sizeAfter` does not know are left out.
 */
export function countByDay(
  changes: readonly MembershipChange[],
  sizeAfter: (audienceId: string) => number | undefined,
): AudienceDayCount[] {
  const days = new Map<string, AudienceDayCount & { net: number }>();
  for (const change of changes) {
    const date = dayOf(change.at);
    const key = `${change.audienceId}|${date}`;
    const day = days.get(key) ?? {
      audienceId: change.audienceId,
      date,
      entered: 0,
      exited: 0,
      size: 0,
      net: 0,
    };
    days.set(key, day);
    day.net += change.entered ? 1 : -1;
    if (change.entered) day.entered += 1;
    else if (!change.silent) day.exited += 1;
  }
  const latestFirst = [...days.values()].sort((a, b) => b.date.localeCompare(a.date));
  const sizes = new Map<string, number | undefined>();
  const counts: AudienceDayCount[] = [];
  for (const { net, ...day } of latestFirst) {
    const size = sizes.has(day.audienceId) ? sizes.get(day.audienceId) : sizeAfter(day.audienceId);
    if (size === undefined) continue;
    counts.push({ ...day, size });
    sizes.set(day.audienceId, size - net);
  }
  return counts.reverse();
}

/** A run of UTC days, oldest first. */
export interface DayWindow {
  from: string;
  to: string;
  dates: string[];
}

/** The `days` UTC days ending with the day of `now`. */
export function windowOf(now: number, days: number): DayWindow {
  const dates = Array.from({ length: days }, (_, index) => dayOf(now - (days - 1 - index) * DAY_MS));
  return { from: dayOf(now - (days - 1) * DAY_MS), to: dayOf(now), dates };
}

/**
 * One row per date of the window: a stored day as stored, a day without changes as none
 * entered or exited at the size of the day before (`sizeBefore` for the window's first day:
 * the last stored size before it, 0 when the audience had no change yet).
 */
export function dailySeries(
  window: readonly string[],
  stored: readonly AudienceDay[],
  sizeBefore: number,
): AudienceDay[] {
  const byDate = new Map(stored.map((day) => [day.date, day]));
  let size = sizeBefore;
  return window.map((date) => {
    const day = byDate.get(date) ?? { date, entered: 0, exited: 0, size };
    size = day.size;
    return { date, entered: day.entered, exited: day.exited, size: day.size };
  });
}
