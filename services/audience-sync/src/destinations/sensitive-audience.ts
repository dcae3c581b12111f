import { audienceKeysOf } from '@prism/rules';
import type { SpaceState } from '../live/space-state.js';
import { adPlatformRefusal, type SensitivityPolicy } from './meta/sensitive.js';

/**
 * Why an audience may not go to an ad platform, reading it and every audience it names (a
 * campaign's union names its parts): undefined when none suggests a sensitive category. An
 * audience not built yet (a campaign without a selection) has nothing to refuse yet; each sync
 * asks again before anything leaves.
 */
export function sensitiveAudienceReason(
  state: SpaceState,
  audienceKey: string,
  policy: SensitivityPolicy = {},
): string | undefined {
  const seen = new Set<string>();
  const keys = [audienceKey];
  for (let key = keys.pop(); key !== undefined; key = keys.pop()) {
    if (seen.has(key)) continue;
    seen.add(key);
    const definition = state.byKey(key)?.definition;
    if (!definition) continue;
    const reason = adPlatformRefusal(
      { rule: definition.rule, labels: [definition.key, definition.name] },
      policy,
    );
    if (reason) return reason;
    if (definition.rule) keys.push(...audienceKeysOf(definition.rule));
  }
  return undefined;
}
