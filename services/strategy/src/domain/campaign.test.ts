import { Aborted, FailedPrecondition } from '@prism/errors';
import { APPROACH_NAMES, type ApproachName } from '@prism/proto/vocabulary';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  approachOptions,
  type CampaignState,
  LOCKED_WITHOUT_PERSONAS,
  LOCKED_WITHOUT_STRATEGY,
  selectStrategy,
  setApproach,
} from './campaign.js';

const fresh: CampaignState = { approach: 'NONE', epoch: 1 };
const withStrategy: CampaignState = { strategyId: 'strat_a', approach: 'NONE', epoch: 2 };
const withPersonas = { personaCount: 2 };

type Command = { type: 'approach'; to: ApproachName } | { type: 'strategy'; id: string };
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.constantFrom(...APPROACH_NAMES).map((to) => ({ type: 'approach' as const, to })),
  fc.constantFrom('strat_a', 'strat_b', 'strat_c').map((id) => ({ type: 'strategy' as const, id })),
);

function apply(state: CampaignState, cmd: Command) {
  return cmd.type === 'approach'
    ? setApproach(state, cmd.to, state.epoch, { personaCount: 2 })
    : selectStrategy(state, cmd.id, state.epoch);
}

describe('campaign wizard rules', () => {
  it('locks every approach until a strategy is selected, with a reason a frontend can show', () => {
    expect(approachOptions(fresh, undefined)).toEqual({
      available: [],
      lockedReason: LOCKED_WITHOUT_STRATEGY,
    });
    expect(() => setApproach(fresh, 'AI_SEGMENTS', 1, undefined)).toThrow(FailedPrecondition);
  });

  it('offers only AI segments when the strategy is known to have no personas', () => {
    expect(approachOptions(withStrategy, { personaCount: 0 })).toEqual({
      available: ['AI_SEGMENTS'],
      lockedReason: LOCKED_WITHOUT_PERSONAS,
    });
    expect(() => setApproach(withStrategy, 'STRATEGY_PERSONAS', 2, { personaCount: 0 })).toThrow(
      FailedPrecondition,
    );
  });

  it('raises the epoch and emits approach_changed from the old to the new approach', () => {
    const change = setApproach(withStrategy, 'AI_SEGMENTS', 2, withPersonas);
    expect(change.state).toEqual({ strategyId: 'strat_a', approach: 'AI_SEGMENTS', epoch: 3 });
    expect(change.events).toEqual([
      { kind: 'campaign.approach_changed', from: 'NONE', to: 'AI_SEGMENTS', epoch: 3 },
    ]);
  });

  it('rejects a stale expected epoch as aborted', () => {
    expect(() => setApproach(withStrategy, 'AI_SEGMENTS', 1, withPersonas)).toThrow(Aborted);
    expect(() => selectStrategy(withStrategy, 'strat_b', 3)).toThrow(Aborted);
  });

  it('resets the approach to NONE when the strategy changes', () => {
    const chosen = setApproach(withStrategy, 'STRATEGY_PERSONAS', 2, withPersonas).state;
    const change = selectStrategy(chosen, 'strat_b', chosen.epoch);
    expect(change.state).toEqual({ strategyId: 'strat_b', approach: 'NONE', epoch: 4 });
    expect(change.events.map((e) => e.kind)).toEqual([
      'campaign.strategy_selected',
      'campaign.approach_changed',
    ]);
  });

  it('keeps the epoch when nothing changes, so retries are harmless', () => {
    const chosen = setApproach(withStrategy, 'AI_SEGMENTS', 2, withPersonas).state;
    expect(setApproach(chosen, 'AI_SEGMENTS', chosen.epoch, withPersonas)).toEqual({
      state: chosen,
      events: [],
    });
    expect(selectStrategy(chosen, 'strat_a', chosen.epoch)).toEqual({ state: chosen, events: [] });
  });

  it('raises the epoch by exactly one per effective change, and every event carries the new epoch', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        let state: CampaignState = withStrategy;
        for (const cmd of commands) {
          const change = apply(state, cmd);
          const changed = change.events.length > 0;
          expect(change.state.epoch).toBe(state.epoch + (changed ? 1 : 0));
          for (const event of change.events) expect(event.epoch).toBe(change.state.epoch);
          if (cmd.type === 'strategy' && changed) expect(change.state.approach).toBe('NONE');
          state = change.state;
        }
      }),
    );
  });

  it('accepts a command only at the current epoch', () => {
    fc.assert(
      fc.property(command, fc.integer({ min: 0, max: 50 }), (cmd, epoch) => {
        const state = { ...withStrategy, epoch: 10 };
        const run = () =>
          cmd.type === 'approach'
            ? setApproach(state, cmd.to, epoch, withPersonas)
            : selectStrategy(state, cmd.id, epoch);
        if (epoch === 10) expect(run).not.toThrow();
        else expect(run).toThrow(Aborted);
      }),
    );
  });
});
