import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUDIENCE_KEY_PATTERN } from './audience.js';
import {
  applySignal,
  type CampaignSelection,
  type CampaignSignal,
  type CampaignState,
  campaignAudienceKey,
  campaignParts,
  type KnownPersona,
  newCampaignState,
} from './campaign-selection.js';
import { DEFAULT_TRAIT_MAPPING, personaRule } from './persona-rule.js';

type Side = 'personas' | 'segments';
type Approach = 'none' | Side;
/** What a producer does at one epoch: pick (personas or segments), or lose it all to persona deletions. */
type Action = { pick: string[] } | { lostAll: true };
/** A producer's part of one epoch: whether its follower sees the epoch (before or after its commands). */
interface Turn {
  followerSees: boolean;
  followerFirst: boolean;
  actions: Action[];
}
/** One step of a campaign's history: the strategy moves to a new epoch with an approach. */
interface Step {
  epoch: number;
  approach: Approach;
  /** strategy_selected plus approach_changed → NONE share one epoch. */
  strategyEvents: 1 | 2;
  personas: Turn;
  segments: Turn;
}

const pick = (ids: string[]) => fc.uniqueArray(fc.constantFrom(...ids), { minLength: 1, maxLength: 3 });
const turn = (action: fc.Arbitrary<Action>): fc.Arbitrary<Turn> =>
  fc.record({
    followerSees: fc.boolean(),
    followerFirst: fc.boolean(),
    actions: fc.array(action, { maxLength: 3 }),
  });

const history: fc.Arbitrary<Step[]> = fc
  .array(
    fc.record({
      gap: fc.integer({ min: 1, max: 3 }),
      approach: fc.constantFrom<Approach>('none', 'personas', 'segments'),
      strategyEvents: fc.constantFrom<1 | 2>(1, 2),
      personas: turn(
        fc.oneof(
          pick(['p1', 'p2', 'p3', 'p4']).map((ids) => ({ pick: ids })),
          fc.constant({ lostAll: true as const }),
        ),
      ),
      segments: turn(pick(['s1', 's2', 's3', 's4']).map((ids) => ({ pick: ids }))),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((steps) => {
    let epoch = 0;
    return steps.map(({ gap, ...step }) => {
      epoch += gap;
      return { ...step, epoch };
    });
  });

const segmentRule = (id: string) => ({ trait: { key: 'segment', operator: 'equals' as const, value: id } });

/** The n-th pick at an epoch: its generation id grows with both, as UUIDv7s do with time. */
const generationOf = (epoch: number, n: number) => `gen_${String(epoch).padStart(4, '0')}_${n}`;

const selectionOf = (
  side: Side,
  ids: string[],
  generationId = generationOf(1, 0),
): Exclude<CampaignSelection, { kind: 'none' }> =>
  side === 'personas'
    ? { kind: 'personas', personaIds: ids }
    : {
        kind: 'segments',
        generationId,
        segments: ids.map((id) => ({ id, name: `Segment ${id}`, rule: segmentRule(id) })),
      };

const strategyStream = (steps: Step[]): CampaignSignal[] =>
  steps.flatMap(({ epoch, strategyEvents }) =>
    Array.from({ length: strategyEvents }, () => ({ kind: 'moved' as const, epoch })),
  );

/**
 * What persona or segment-generation publishes, in its own order: its follower clears what it
 * holds from an older epoch when it sees a newer one (a lagging follower skips epochs, but sees
 * the last one: the system goes quiet); its commands select under its own approach; a persona
 * deletion that empties a selection clears it at the selection's own epoch. Every write of the
 * producer's document raises its revision (the persona service's selection version).
 */
function producerStream(steps: Step[], side: Side): CampaignSignal[] {
  const signals: CampaignSignal[] = [];
  let held = { epoch: 0, size: 0, revision: 0 };
  const follow = (epoch: number) => {
    if (held.epoch >= epoch) return;
    const revision = held.revision + 1;
    if (held.size > 0) signals.push({ kind: 'cleared', epoch, of: side, revision });
    held = { epoch, size: 0, revision };
  };
  steps.forEach((step, index) => {
    const { followerSees, followerFirst, actions } = step[side];
    const sees = followerSees || index === steps.length - 1;
    if (sees && followerFirst) follow(step.epoch);
    for (const [n, action] of actions.entries()) {
      const revision = held.revision + 1;
      if ('pick' in action && step.approach === side) {
        const selection = selectionOf(side, action.pick, generationOf(step.epoch, n));
        signals.push({ kind: 'selected', epoch: step.epoch, revision, selection });
        held = { epoch: step.epoch, size: action.pick.length, revision };
      } else if ('lostAll' in action && held.size > 0) {
        signals.push({ kind: 'cleared', epoch: held.epoch, of: side, revision });
        held = { ...held, size: 0, revision };
      }
    }
    if (sees && !followerFirst) follow(step.epoch);
  });
  return signals;
}

/** The reference: the last epoch, and what its approach's producer last picked at it (or none). */
function expectedOutcome(steps: Step[]): { epoch: number; selection: CampaignSelection } {
  const last = steps[steps.length - 1] as Step;
  if (last.approach === 'none') return { epoch: last.epoch, selection: { kind: 'none' } };
  const published = producerStream(steps, last.approach);
  const final = published[published.length - 1];
  const selection =
    final?.kind === 'selected' && final.epoch === last.epoch ? final.selection : { kind: 'none' as const };
  return { epoch: last.epoch, selection };
}

/**
 * Redeliveries: each signal a `copies` entry names (by position) is delivered again at a later
 * position, as JetStream does when an ack is lost.
 */
function redeliver<T>(delivered: T[], copies: Array<[number, number]>): T[] {
  const result = [...delivered];
  for (const [from, after] of copies) {
    if (result.length === 0) break;
    const at = from % result.length;
    const to = at + 1 + (after % (result.length - at));
    result.splice(to, 0, result[at] as T);
  }
  return result;
}

/** Delivers the streams interleaved as `picks` choose, each stream in its own order. */
function interleave<T>(streams: T[][], picks: number[]): T[] {
  const queues = streams.map((stream) => [...stream]);
  const delivered: T[] = [];
  for (let turn = 0; ; turn += 1) {
    const open = queues.filter((queue) => queue.length > 0);
    if (open.length === 0) return delivered;
    const queue = open[(picks[turn % picks.length] ?? 0) % open.length] as T[];
    delivered.push(queue.shift() as T);
  }
}

const applyAll = (signals: CampaignSignal[], from = newCampaignState('c1')): CampaignState =>
  signals.reduce((state, signal) => applySignal(state, signal) ?? state, from);

describe('the epoch rule for a campaign selection', () => {
  it('ends at the newest epoch with what its approach last selected there, whatever the interleaving of producers and redeliveries', () => {
    const copies = fc.array(fc.tuple(fc.nat(60), fc.nat(60)), { maxLength: 4 });
    fc.assert(
      fc.property(
        history,
        fc.array(fc.nat(5), { minLength: 1, maxLength: 40 }),
        copies,
        (steps, picks, again) => {
          const streams = [
            strategyStream(steps),
            producerStream(steps, 'personas'),
            producerStream(steps, 'segments'),
          ];
          const final = applyAll(redeliver(interleave(streams, picks), again));
          expect({ epoch: final.epoch, selection: final.selection }).toEqual(expectedOutcome(steps));
          expect(final.deleted).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps the personas chosen at an epoch when the segments of the older epoch are cleared late', () => {
    const personas = selectionOf('personas', ['p1']);
    const state = applyAll([
      { kind: 'moved', epoch: 4 },
      { kind: 'selected', epoch: 4, revision: 1, selection: personas },
    ]);
    expect(applySignal(state, { kind: 'cleared', epoch: 4, of: 'segments', revision: 0 })).toBeUndefined();
    expect(applySignal(state, { kind: 'moved', epoch: 4 })).toBeUndefined();
    const cleared = applySignal(state, { kind: 'cleared', epoch: 4, of: 'personas', revision: 2 });
    expect(cleared?.selection).toEqual({ kind: 'none' });
  });

  it('keeps the later persona selection of an epoch when an earlier change arrives after it (a redelivery)', () => {
    const later = selectionOf('personas', ['p2']);
    const state: CampaignState = {
      ...newCampaignState('cmp_1'),
      epoch: 5,
      selection: later,
      personaRevision: 3,
    };
    const earlier = selectionOf('personas', ['p1']);
    expect(
      applySignal(state, { kind: 'selected', epoch: 5, revision: 2, selection: earlier }),
    ).toBeUndefined();
    expect(applySignal(state, { kind: 'cleared', epoch: 5, of: 'personas', revision: 1 })).toBeUndefined();
    const emptied = applySignal(state, { kind: 'cleared', epoch: 5, of: 'personas', revision: 4 });
    expect(emptied).toMatchObject({ selection: { kind: 'none' }, personaRevision: 4 });
    expect(
      applySignal(emptied as CampaignState, { kind: 'selected', epoch: 5, revision: 3, selection: later }),
    ).toBeUndefined();
  });

  it('ignores a segments clear redelivered after the generation of its own epoch', () => {
    const generated = selectionOf('segments', ['s1'], generationOf(5, 0));
    const state: CampaignState = { ...newCampaignState('cmp_1'), epoch: 5, selection: generated };
    expect(applySignal(state, { kind: 'cleared', epoch: 5, of: 'segments', revision: 0 })).toBeUndefined();
  });

  it('keeps the later generation of an epoch when an earlier one arrives after it (a redelivery)', () => {
    const later = selectionOf('segments', ['s1', 's2'], generationOf(5, 1));
    const state: CampaignState = { ...newCampaignState('cmp_1'), epoch: 5, selection: later };
    const earlier = selectionOf('segments', ['s3'], generationOf(5, 0));
    expect(
      applySignal(state, { kind: 'selected', epoch: 5, revision: 0, selection: earlier }),
    ).toBeUndefined();
    const next = selectionOf('segments', ['s4'], generationOf(5, 2));
    expect(
      applySignal(state, { kind: 'selected', epoch: 5, revision: 0, selection: next })?.selection,
    ).toEqual(next);
  });

  it('drops a selection made under an older epoch', () => {
    const state = applyAll([{ kind: 'moved', epoch: 5 }]);
    expect(
      applySignal(state, {
        kind: 'selected',
        epoch: 4,
        revision: 0,
        selection: selectionOf('segments', ['s1']),
      }),
    ).toBeUndefined();
  });

  it('keeps a deleted campaign deleted and empty whatever arrives after', () => {
    fc.assert(
      fc.property(history, (steps) => {
        const deleted = applyAll([{ kind: 'deleted', epoch: 2 }]);
        const after = applyAll([...strategyStream(steps), ...producerStream(steps, 'personas')], deleted);
        expect(after).toEqual({ campaignId: 'c1', epoch: 2, selection: { kind: 'none' }, deleted: true });
      }),
      { numRuns: 100 },
    );
  });
});

const demographics = (gender: string) => ({
  ageRanges: [],
  genders: [gender],
  locations: [],
  incomeBand: '',
  occupation: '',
});
const atEpoch = (selection: CampaignSelection): CampaignState => ({
  ...newCampaignState('c1'),
  epoch: 3,
  selection,
});

describe('the parts of a campaign audience', () => {
  const base = campaignAudienceKey('c1');

  it('makes one part per segment, keyed by its position', () => {
    const parts = campaignParts(
      atEpoch(selectionOf('segments', ['s7', 's2'])),
      new Map(),
      DEFAULT_TRAIT_MAPPING,
    );
    expect(parts).toEqual([
      { key: `${base}_s1`, name: 'Segment s7', rule: segmentRule('s7'), segmentId: 's7' },
      { key: `${base}_s2`, name: 'Segment s2', rule: segmentRule('s2'), segmentId: 's2' },
    ]);
  });

  it('leaves out a persona whose event has not arrived, the others keeping their positions', () => {
    const personas = new Map<string, KnownPersona>([
      ['p1', { name: 'Runner', demographics: demographics('GENDER_FEMALE') }],
      ['p3', { name: 'Cyclist', demographics: demographics('GENDER_MALE') }],
    ]);
    const parts = campaignParts(
      atEpoch(selectionOf('personas', ['p1', 'p2', 'p3'])),
      personas,
      DEFAULT_TRAIT_MAPPING,
    );
    expect(parts).toEqual([
      {
        key: `${base}_p1`,
        name: 'Runner',
        rule: personaRule(demographics('GENDER_FEMALE'), DEFAULT_TRAIT_MAPPING),
        personaId: 'p1',
      },
      {
        key: `${base}_p3`,
        name: 'Cyclist',
        rule: personaRule(demographics('GENDER_MALE'), DEFAULT_TRAIT_MAPPING),
        personaId: 'p3',
      },
    ]);
  });

  it('has no parts without a selection', () => {
    expect(campaignParts(atEpoch({ kind: 'none' }), new Map(), DEFAULT_TRAIT_MAPPING)).toEqual([]);
  });

  it('keys every audience of any campaign as a valid, distinct and stable audience key', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, unit: 'grapheme' }),
        fc.integer({ min: 1, max: 30 }),
        (campaignId, count) => {
          const ids = Array.from({ length: count }, (_, index) => `s${index}`);
          const state = { ...atEpoch(selectionOf('segments', ids)), campaignId };
          const keys = [
            campaignAudienceKey(campaignId),
            ...campaignParts(state, new Map(), DEFAULT_TRAIT_MAPPING).map((part) => part.key),
          ];
          for (const key of keys) expect(key).toMatch(AUDIENCE_KEY_PATTERN);
          expect(new Set(keys).size).toBe(keys.length);
          expect(campaignAudienceKey(campaignId)).toBe(keys[0]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
