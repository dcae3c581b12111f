import { describe, expect, it } from 'vitest';
import { createDestinationRequest } from './destination-requests.js';

describe('destination requests', () => {
  it('refuses a webhook without a URL as spec.webhook.url instead of throwing (found by fuzzing CreateDestination)', () => {
    const request = {
      spec: {
        name: 'hook',
        source: { $case: 'audience', value: 'vip' },
        settings: { $case: 'webhook', value: { url: '' } },
        rateLimitPerSecond: 0,
      },
    };
    const parsed = createDestinationRequest.safeParse(request);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map(({ path, message }) => [path.join('.'), message])).toContainEqual([
      'spec.webhook.url',
      'must be an absolute URL',
    ]);
  });
});
