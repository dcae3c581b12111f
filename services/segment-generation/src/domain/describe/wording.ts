import { leafOf } from '@prism/profile-features';
import { countryName } from '../context/countries.js';
import type { Contrast } from '../model.js';

/** "avg_order_total_90d" → "avg order total (90 days)", "incomeBand" → "income band", "company.employee_count" → "company employee count". */
export function humanise(key: string): string {
  const words = key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[._\s-]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
  const window = /^(\d+)d$/.exec(words.at(-1) ?? '')?.[1];
  return window === undefined ? words.join(' ') : `${words.slice(0, -1).join(' ')} (${window} days)`;
}

/** A value as people read it: countries by name (`country`, `address.country`). */
export function valueLabel(key: string, value: string): string {
  return isCountryKey(key) ? countryName(value) : value;
}

export const isCountryKey = (key: string): boolean => leafOf(key).toLowerCase() === 'country';

export const percent = (share: number) => `${Math.round(share * 100)} %`;

export function amount(value: number): string {
  return Math.abs(value) >= 10 ? String(Math.round(value)) : String(Math.round(value * 10) / 10);
}

export function times(lift: number): string {
  return `×${lift >= 1 ? lift.toFixed(1) : lift.toFixed(2)}`;
}

/** "running (78 % vs 21 % overall, ×3.7)" or "orders (90 days): 5.2 vs 2.1 on average (×2.4)". */
export function contrastText(contrast: Contrast): string {
  const { key, value, inSegment, inPopulation, lift } = contrast;
  if (value === undefined) {
    return `${humanise(key)}: ${amount(inSegment)} vs ${amount(inPopulation)} on average (${times(lift)})`;
  }
  return `${valueLabel(key, value)} (${percent(inSegment)} vs ${percent(inPopulation)} overall, ${times(lift)})`;
}

export function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
