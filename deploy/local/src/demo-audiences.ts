import { type ServiceError, status } from '@grpc/grpc-js';
import { apiKeyMetadata, callUnary, channelCredentialsFromEnv } from '@prism/grpc';
import {
  AudienceKind,
  AudienceServiceClient,
  type AudienceSpec,
} from '@prism/proto/prism/audience/v1/audience';
import { Operator, type Rule } from '@prism/proto/prism/rules/v1/rule';

const trait = (key: string, operator: Operator, value: unknown): Rule => ({
  node: { $case: 'trait', value: { key, operator, value } },
});
const all = (...rules: Rule[]): Rule => ({ node: { $case: 'all', value: { rules } } });
const memberOf = (audienceKey: string): Rule => ({ node: { $case: 'audience', value: { audienceKey } } });
const dynamic = (key: string, name: string, description: string, rule: Rule): AudienceSpec => ({
  key,
  name,
  description,
  kind: AudienceKind.AUDIENCE_KIND_DYNAMIC,
  rule,
});

/**
 * The demo space's audiences: traits, an event condition (kept by the profile service as a
 * computed trait), an audience of audiences, and a static list. Their events flow as the demo
 * profiles arrive.
 */
const DEMO_AUDIENCES: AudienceSpec[] = [
  dynamic(
    'dach_runners',
    'DACH runners',
    'Runners in Germany, Austria and Switzerland',
    all(
      trait('country', Operator.OPERATOR_IN, ['DE', 'AT', 'CH']),
      trait('interests', Operator.OPERATOR_CONTAINS, 'running'),
    ),
  ),
  dynamic('repeat_buyers', 'Repeat buyers', 'At least 2 orders in the last 90 days', {
    node: {
      $case: 'event',
      value: {
        event: 'Order Completed',
        where: [],
        countOperator: Operator.OPERATOR_GREATER_OR_EQUAL,
        count: 2,
        withinDays: 90,
      },
    },
  }),
  dynamic(
    'dach_runners_buying',
    'DACH runners who buy',
    'DACH runners who are repeat buyers',
    all(memberOf('dach_runners'), memberOf('repeat_buyers')),
  ),
  {
    key: 'vip_list',
    name: 'VIP list',
    description: 'Hand-picked people (static)',
    kind: AudienceKind.AUDIENCE_KIND_STATIC,
    rule: undefined,
  },
];

/** The demo population writes flat traits (`country`, `incomeBand`), not Segment's `address.*`. */
const DEMO_TRAIT_MAPPING = {
  age: 'age',
  gender: 'gender',
  country: 'country',
  city: 'city',
  incomeBand: 'incomeBand',
  occupation: 'occupation',
};

/** Sets the demo space's trait mapping and creates its audiences (those it has already stay). */
export async function defineDemoAudiences(
  address: string,
  apiKey: string,
  vipLookups: string[],
): Promise<number> {
  const client = new AudienceServiceClient(address, channelCredentialsFromEnv());
  const metadata = apiKeyMetadata(apiKey);
  try {
    await callUnary(client, client.setTraitMapping, metadata, { mapping: DEMO_TRAIT_MAPPING });
    let created = 0;
    for (const spec of DEMO_AUDIENCES) {
      try {
        await callUnary(client, client.createAudience, metadata, { spec });
        created += 1;
      } catch (error) {
        if ((error as ServiceError).code !== status.ALREADY_EXISTS) throw error;
      }
    }
    if (created > 0)
      await callUnary(client, client.addMembers, metadata, { audience: 'vip_list', identifiers: vipLookups });
    return created;
  } finally {
    client.close();
  }
}
