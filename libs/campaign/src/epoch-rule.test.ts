import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  APPROACHES,
  applyCampaignEvent,
  type CampaignEvent,
  type CampaignState,
  reconcileSelection,
} from './epoch-rule.js';

const personasAt = (epoch: number): CampaignState => ({
  strategyId: 'A',
  approach: 'STRATEGY_PERSONAS',
  epoch,
});

/** A history as the strategy service writes it: epochs rise by one per change. */
const history: fc.Arbitrary<CampaignEvent[]> = fc
  .array(
    fc.oneof(
      fc.constantFrom(...APPROACHES).map((to) => ({ kind: 'campaign.approach_changed' as const, to })),
      fc
        .constantFrom('A', 'B')
        .map((strategyId) => ({ kind: 'campaign.strategy_selected' as const, strategyId })),
    ),
    { maxLength: 8 },
  )
  .map((changes) => {
    let strategyId = 'A';
    const events: CampaignEvent[] = [{ kind: 'campaign.created', epoch: 1 }];
    changes.forEach((change, i) => {
      if (change.kind === 'campaign.strategy_selected') strategyId = change.strategyId;
      events.push({ ...change, strategyId, epoch: i + 2 });
    });
    return events;
  });

const replay = (events: CampaignEvent[]) =>
  events.reduce<CampaignState | undefined>(
    (state, event) => applyCampaignEvent(state, event) ?? state,
    undefined,
  );

describe('campaign projection', () => {
  it('converges on the newest epoch under any redelivery order and duplicates', () => {
    fc.assert(
      fc.property(
        history.chain((events) =>
          fc.tuple(
            fc.constant(events),
            fc.shuffledSubarray([...events, ...events], { minLength: 2 * events.length }),
          ),
        ),
        ([inOrder, shuffled]) => {
          expect(replay(shuffled)).toEqual(replay(inOrder));
        },
      ),
    );
  });

  it('ignores an event older than the stored epoch', () => {
    expect(
      applyCampaignEvent(personasAt(5), { kind: 'campaign.approach_changed', to: 'NONE', epoch: 4 }),
    ).toBe(undefined);
  });

  it('applies strategy_selected and approach_changed to NONE that share an epoch, in either order', () => {
    const selected = { kind: 'campaign.strategy_selected', strategyId: 'B', epoch: 6 } as const;
    const reset = { kind: 'campaign.approach_changed', strategyId: 'B', to: 'NONE', epoch: 6 } as const;
    expect(replay([selected, reset])).toEqual(replay([reset, selected]));
  });

  it('keeps a deleted campaign deleted whatever arrives after', () => {
    const deleted = applyCampaignEvent(personasAt(5), { kind: 'campaign.deleted', epoch: 5 });
    expect(deleted?.deleted).toBe(true);
    expect(
      applyCampaignEvent(deleted, { kind: 'campaign.approach_changed', to: 'AI_SEGMENTS', epoch: 5 }),
    ).toBe(undefined);
  });
});

describe('selection choreography', () => {
  const held = { size: 1, epoch: 4 };

  it('clears a selection of an older epoch once, then only remembers newer epochs', () => {
    const ai: CampaignState = { strategyId: 'A', approach: 'AI_SEGMENTS', epoch: 5 };
    expect(reconcileSelection(held, ai, 'campaign.approach_changed')).toEqual({
      kind: 'clear',
      epoch: 5,
      reason: 'APPROACH_CHANGED',
    });
    const cleared = { size: 0, epoch: 5 };
    expect(reconcileSelection(cleared, ai, 'campaign.approach_changed')).toEqual({ kind: 'none' });
    expect(reconcileSelection(cleared, personasAt(6), 'campaign.approach_changed')).toEqual({
      kind: 'advance',
      epoch: 6,
    });
  });

  it('clears even when the newer epoch is personas again, so switching back restores nothing', () => {
    expect(reconcileSelection(held, personasAt(6), 'campaign.approach_changed')).toMatchObject({
      kind: 'clear',
    });
  });

  it('keeps a selection made under the current epoch', () => {
    expect(reconcileSelection(held, personasAt(4), 'campaign.approach_changed')).toEqual({ kind: 'none' });
  });

  it('names the cause: a strategy change, a deleted campaign', () => {
    const reset: CampaignState = { strategyId: 'B', approach: 'NONE', epoch: 5 };
    expect(reconcileSelection(held, reset, 'campaign.strategy_selected')).toMatchObject({
      reason: 'STRATEGY_CHANGED',
    });
    const gone: CampaignState = { ...personasAt(4), deleted: true };
    expect(reconcileSelection(held, gone, 'campaign.deleted')).toEqual({
      kind: 'clear',
      epoch: 4,
      reason: 'CAMPAIGN_DELETED',
    });
    expect(reconcileSelection({ size: 0, epoch: 4 }, gone, 'campaign.deleted')).toEqual({
      kind: 'none',
    });
  });
});
