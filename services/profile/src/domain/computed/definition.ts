import { type Condition, conditionList, matchesCondition, propertyPath } from '@prism/rules';
import { z } from 'zod';

/** What a computed trait computes over the matching events (`property` = the event property). */
export const COMPUTED_TRAIT_KINDS = [
  'event_counter',
  'sum',
  'average',
  'minimum',
  'maximum',
  'first_value',
  'last_value',
  'most_frequent',
  'unique_list',
  'unique_count',
] as const;
export type ComputedTraitKind = (typeof COMPUTED_TRAIT_KINDS)[number];

export const MAX_WINDOW_DAYS = 3650;

export interface EventFilter {
  /** The track event name or page/screen name, case-sensitive; '' = any event. */
  name: string;
  /** Every condition must hold on the event's properties. */
  conditions: Condition[];
}

/** One computed trait of a space. */
export interface ComputedTraitDefinition {
  key: string;
  kind: ComputedTraitKind;
  /** The event property path the value comes from; '' for `event_counter`. */
  property: string;
  filter: EventFilter;
  /** Only events of the last N UTC days (and today) count; 0 = all time. */
  windowDays: number;
}

/** An event as computed traits see it: a track, page or screen message. */
export interface TraitEvent {
  /** Track event name, page or screen name. */
  name?: string;
  type: string;
  properties: Record<string, unknown>;
  timestamp: Date;
}

/** Identify, group and alias messages carry traits, not events, so no computed trait counts them. */
const EVENT_TYPES: ReadonlySet<string> = new Set(['track', 'page', 'screen']);

export const emptyFilter = (): EventFilter => ({ name: '', conditions: [] });

export const filterShape = {
  name: z.string().trim().max(200, 'must be at most 200 characters').default(''),
  conditions: conditionList.default([]),
};

/** The fields of a definition; the proto mapping swaps in proto enums for `kind` and operators. */
export const definitionShape = {
  key: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be 1–64 lowercase letters, digits or "_", starting with a letter'),
  kind: z.enum(COMPUTED_TRAIT_KINDS),
  property: z.string().trim().default(''),
  filter: z.object(filterShape).default(emptyFilter),
  windowDays: z
    .number()
    .int()
    .min(0, 'must be 0 (all time) or more')
    .max(MAX_WINDOW_DAYS, `must be at most ${MAX_WINDOW_DAYS}`)
    .default(0),
};

/** `property` is required by every kind but `event_counter`, which must leave it empty. */
export function checkProperty(
  { kind, property }: Pick<ComputedTraitDefinition, 'kind' | 'property'>,
  ctx: z.RefinementCtx,
): void {
  const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['property'], message });
  if (kind === 'event_counter') {
    if (property) issue('must be empty for event_counter');
  } else if (!property) issue(`is required for ${kind}`);
  else for (const { message } of propertyPath.safeParse(property).error?.issues ?? []) issue(message);
}

export const computedTraitDefinitionSchema = z.object(definitionShape).superRefine(checkProperty);

export function matchesFilter(filter: EventFilter, event: TraitEvent): boolean {
  return (
    EVENT_TYPES.has(event.type) &&
    (!filter.name || event.name === filter.name) &&
    filter.conditions.every((condition) => matchesCondition(event.properties, condition))
  );
}
