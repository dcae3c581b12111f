import { generatePopulation, type Person, type SegmentId, segmentSpecTraitsOf } from '@prism/population';
import type { AudienceProfile } from '../domain/model.js';

const DAY_MS = 86_400_000;
/** The day planted audiences are generated for, unless told otherwise. */
export const PLANTED_NOW = new Date('2026-11-01T00:00:00Z');

/**
 * The behavioural computed traits the demo space defines (deploy/local/src/demo-profiles.ts),
 * computed here straight from a person's history so domain tests need no profile service.
 */
export const DEMO_BEHAVIOUR_TRAITS = {
  pages_7d: { event: 'Page Viewed', days: 7, of: 'count' },
  sessions_30d: { event: 'Page Viewed', days: 30, of: 'count' },
  orders_90d: { event: 'Order Completed', days: 90, of: 'count' },
  coupon_orders_90d: { event: 'Order Completed', days: 90, of: 'count', withCoupon: true },
  avg_order_total_90d: { event: 'Order Completed', days: 90, of: 'average total' },
} as const;

export function behaviourTraitsOf(person: Person, now: Date): Record<string, number> {
  const traits: Record<string, number> = {};
  for (const [key, spec] of Object.entries(DEMO_BEHAVIOUR_TRAITS)) {
    const since = now.getTime() - spec.days * DAY_MS;
    const events = person.events.filter(
      (event) =>
        event.name === spec.event &&
        event.timestamp.getTime() >= since &&
        (!('withCoupon' in spec) || (event.name === 'Order Completed' && event.coupon !== undefined)),
    );
    if (spec.of === 'count') traits[key] = events.length;
    else if (events.length > 0) {
      const totals = events.map((event) => (event.name === 'Order Completed' ? event.total : 0));
      traits[key] = totals.reduce((sum, total) => sum + total, 0) / totals.length;
    }
  }
  return traits;
}

/** How the people's traits were sent: as the population holds them, or as Segment's SDKs send them. */
export type TraitShape = 'flat' | 'segment-spec';

/** A person's profile as the profile service would hold it after ingesting their history. */
export function audienceProfileOf(person: Person, now: Date, shape: TraitShape = 'flat'): AudienceProfile {
  const traits = shape === 'flat' ? person.traits : segmentSpecTraitsOf(person, { now });
  return { profileId: `prf_${person.id}`, traits: { ...traits, ...behaviourTraitsOf(person, now) } };
}

export interface PlantedAudience {
  profiles: AudienceProfile[];
  /** The planted segment of each profile, in the order of `profiles`. */
  truth: SegmentId[];
}

/** A seeded population with planted segments, as audience profiles plus the ground truth. */
export function plantedAudience(options: {
  seed: number;
  size: number;
  now?: Date;
  traits?: TraitShape;
}): PlantedAudience {
  const now = options.now ?? PLANTED_NOW;
  const profiles: AudienceProfile[] = [];
  const truth: SegmentId[] = [];
  for (const person of generatePopulation({ seed: options.seed, size: options.size, now })) {
    profiles.push(audienceProfileOf(person, now, options.traits));
    truth.push(person.segmentId);
  }
  return { profiles, truth };
}
