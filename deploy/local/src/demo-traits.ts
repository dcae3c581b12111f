import { status } from '@grpc/grpc-js';
import { apiKeyMetadata, callUnary, channelCredentialsFromEnv } from '@prism/grpc';
import {
  ComparisonOperator,
  type ComputedTraitDefinition,
  ComputedTraitKind,
  ProfileServiceClient,
} from '@prism/proto/prism/profile/v1/profile';

const { COMPUTED_TRAIT_KIND_EVENT_COUNTER: COUNTER, COMPUTED_TRAIT_KIND_AVERAGE: AVERAGE } =
  ComputedTraitKind;
const counter = (key: string, name: string, windowDays: number) => ({
  key,
  kind: COUNTER,
  property: '',
  filter: { name, conditions: [] },
  windowDays,
});

/**
 * The behavioural traits segment generation learns from (recency, frequency, value, coupons).
 * `services/segment-generation/src/testing/planted.ts` computes the same from a person's history.
 */
export const DEMO_COMPUTED_TRAITS: ComputedTraitDefinition[] = [
  counter('pages_7d', 'Page Viewed', 7),
  counter('sessions_30d', 'Page Viewed', 30),
  counter('orders_90d', 'Order Completed', 90),
  {
    ...counter('coupon_orders_90d', 'Order Completed', 90),
    filter: {
      name: 'Order Completed',
      conditions: [{ key: 'coupon', operator: ComparisonOperator.COMPARISON_OPERATOR_EXISTS, value: true }],
    },
  },
  {
    key: 'avg_order_total_90d',
    kind: AVERAGE,
    property: 'total',
    filter: { name: 'Order Completed', conditions: [] },
    windowDays: 90,
  },
];

/** Defines the demo's computed traits; ones defined by an earlier run are left as they are. */
export async function defineDemoComputedTraits(address: string, apiKey: string): Promise<void> {
  const client = new ProfileServiceClient(address, channelCredentialsFromEnv());
  try {
    for (const definition of DEMO_COMPUTED_TRAITS) {
      await callUnary(client, client.createComputedTrait, apiKeyMetadata(apiKey), { definition }).catch(
        (error: { code?: number }) => {
          if (error.code !== status.ALREADY_EXISTS) throw error;
        },
      );
    }
  } finally {
    client.close();
  }
}
