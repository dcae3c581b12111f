import { AudienceKind, type AudienceSpec } from '@prism/proto/prism/audience/v1/audience';
import type { DestinationSpec } from '@prism/proto/prism/audience/v1/destinations';
import { Operator } from '@prism/proto/prism/rules/v1/rule';

/** A dynamic audience of the people on plan `plan` (the `plan` trait). */
export const planAudience = (key: string, name: string, plan = 'pro'): AudienceSpec => ({
  key,
  name,
  description: '',
  kind: AudienceKind.AUDIENCE_KIND_DYNAMIC,
  rule: { node: { $case: 'trait', value: { key: 'plan', operator: Operator.OPERATOR_EQUALS, value: plan } } },
});

export type DestinationSource = NonNullable<DestinationSpec['source']>;

/** A destination of an audience (by key) with no rate limit of its own (the default). */
export const audienceSource = (audienceKey: string): DestinationSource => ({
  $case: 'audience',
  value: audienceKey,
});

export const webhookDestination = (
  name: string,
  source: DestinationSource,
  url: string,
  rateLimitPerSecond = 0,
): DestinationSpec => ({ name, source, settings: { $case: 'webhook', value: { url } }, rateLimitPerSecond });

/** A Meta destination that creates its custom audience in the test ad account. */
export const metaDestination = (
  name: string,
  source: DestinationSource,
  accessToken: string,
  schema: string[],
): DestinationSpec => ({
  name,
  source,
  settings: {
    $case: 'meta',
    value: { adAccountId: '1234567890', accessToken, customAudienceId: '', schema },
  },
  rateLimitPerSecond: 0,
});
