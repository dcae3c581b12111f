/**
 * What audience freshness other products publish, each as the best case its wording allows:
 * Segment calls its audiences "real-time" and means seconds; PostHog targets 1–5 minutes for
 * realtime cohorts; Connectif refreshes dynamic-plus segments about every 3 hours.
 */
export const ANCHORS = {
  segment: { name: 'Segment real-time audiences (published: seconds; 1 s taken)', value: 1_000, unit: 'ms' },
  posthog: { name: 'PostHog realtime cohorts (target 1–5 min; 1 min taken)', value: 60_000, unit: 'ms' },
  connectif: { name: 'Connectif dynamic plus segments (refresh ≈ 3 h)', value: 10_800_000, unit: 'ms' },
} as const;

/** One printed figure: name, value, note. */
export const row = (name: string, value: string, note = '') =>
  console.log(`  ${name.padEnd(52)} ${value.padStart(10)}  ${note}`);

export function anchorLines(): void {
  row('peer: Segment "real-time" audiences', 'seconds', '(published)');
  row('peer: PostHog realtime cohorts', '1–5 min', '(published target)');
  row('peer: Connectif dynamic plus segments', '≈ 3 h', '(published refresh)');
}
