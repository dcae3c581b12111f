import type { Rule } from '@prism/rules';
import { type MatcherOf, PhraseTable, type Reading, traitRule } from './matcher-kit.js';
import { type NumericSpread, TRAIT } from './vocabulary.js';
import { stem } from './words.js';

/**
 * A kind of behaviour a brief names, read as the top (or bottom) quarter of the numeric trait
 * whose key names it best: `hints` are words of such keys ("orders_90d" → order).
 */
interface Behaviour {
  phrases: readonly string[];
  hints: readonly string[];
  side: 'high' | 'low';
}

const SPEND = ['total', 'spend', 'revenue', 'value', 'amount', 'basket'];
const BUY = ['order', 'purchase', 'transaction'];
const COUPON = ['coupon', 'voucher', 'promo', 'discount'];
const ACTIVITY = ['page', 'session', 'visit', 'view'];

const BEHAVIOURS: readonly Behaviour[] = [
  { phrases: ['high spenders', 'big spenders', 'high spending', 'big baskets'], hints: SPEND, side: 'high' },
  { phrases: ['low spenders', 'small spenders', 'low spending', 'small baskets'], hints: SPEND, side: 'low' },
  {
    phrases: ['frequent buyers', 'frequent shoppers', 'repeat buyers', 'repeat customers', 'loyal customers'],
    hints: BUY,
    side: 'high',
  },
  { phrases: ['lapsed buyers', 'lapsed customers', 'lapsed', 'churned'], hints: BUY, side: 'low' },
  {
    phrases: ['coupon users', 'coupon', 'deal seekers', 'deal hunters', 'bargain hunters', 'voucher users'],
    hints: COUPON,
    side: 'high',
  },
  {
    phrases: [
      'recently active',
      'highly active',
      'active',
      'engaged',
      'frequent visitors',
      'regular visitors',
    ],
    hints: ACTIVITY,
    side: 'high',
  },
  { phrases: ['inactive', 'disengaged', 'dormant'], hints: ACTIVITY, side: 'low' },
];

const ALL_HINTS = [SPEND, BUY, COUPON, ACTIVITY].map((hints) => new Set(hints.map(stem)));

/** "high spenders", "frequent buyers", "coupon users", "recently active", "lapsed". */
export const behaviourMatcher: MatcherOf = (vocabulary) => {
  const table = new PhraseTable<{ key: string; spread: NumericSpread; side: Behaviour['side'] }>();
  for (const behaviour of BEHAVIOURS) {
    const key = keyNaming(behaviour.hints, [...vocabulary.numbers.keys()]);
    const spread = key === undefined ? undefined : vocabulary.numbers.get(key);
    if (key === undefined || spread === undefined) continue;
    for (const phrase of behaviour.phrases) table.add(phrase, { key, spread, side: behaviour.side });
  }
  return (tokens, at): Reading | undefined => {
    const hit = table.longest(tokens, at);
    const [found] = hit?.payloads ?? [];
    if (!hit || !found) return undefined;
    const { condition, meaning } = quarterOf(found.key, found.spread, found.side);
    return { length: hit.length, meaning, kind: found.key, condition };
  };
};

/**
 * The numeric trait whose key holds the most of `hints` and the fewest hints of other
 * behaviours (orders_90d before coupon_orders_90d for buying); ties go alphabetically.
 */
function keyNaming(hints: readonly string[], keys: readonly string[]): string | undefined {
  const own = new Set(hints.map(stem));
  const scored = keys
    .filter((key) => key !== TRAIT.age)
    .map((key) => {
      const words = keyWords(key);
      const mine = words.filter((word) => own.has(word)).length;
      const others = words.filter((word) => !own.has(word) && ALL_HINTS.some((set) => set.has(word))).length;
      return { key, mine, others };
    })
    .filter(({ mine }) => mine > 0)
    .sort((a, b) => a.others - b.others || b.mine - a.mine || a.key.localeCompare(b.key));
  return scored[0]?.key;
}

/** "avg_order_total_90d" → ["avg", "order", "total", "90d"], stemmed. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map(stem);
}

/** At least the upper quartile (or above the minimum when most profiles sit at it); mirrored for low. */
function quarterOf(
  key: string,
  spread: NumericSpread,
  side: Behaviour['side'],
): { condition: Rule; meaning: string } {
  if (side === 'high') {
    return spread.q75 > spread.min
      ? {
          condition: traitRule(key, 'greater_or_equal', spread.q75),
          meaning: `${key} ≥ ${spread.q75} (top quarter)`,
        }
      : { condition: traitRule(key, 'greater_than', spread.min), meaning: `${key} > ${spread.min}` };
  }
  return spread.q25 < spread.max
    ? {
        condition: traitRule(key, 'less_or_equal', spread.q25),
        meaning: `${key} ≤ ${spread.q25} (bottom quarter)`,
      }
    : { condition: traitRule(key, 'less_than', spread.max), meaning: `${key} < ${spread.max}` };
}
