import { type EventHandler, kindOf } from '@prism/bus';
import { z } from 'zod';
import type { StrategyRefs } from '../store/projections.js';

export const strategyEventData = z.object({ strategyId: z.string().min(1) });
export type StrategyEventData = z.infer<typeof strategyEventData>;

/** Keeps `strategy_refs` current; both writes are idempotent, so redelivery is harmless. */
export function strategyEventHandler(refs: StrategyRefs): EventHandler<StrategyEventData> {
  return async (event) => {
    const { strategyId } = event.data;
    const kind = kindOf(event);
    if (kind === 'strategy.deleted') await refs.deleted(event.prismspace, strategyId);
    else if (kind === 'strategy.created' || kind === 'strategy.updated')
      await refs.learned(event.prismspace, strategyId);
  };
}
