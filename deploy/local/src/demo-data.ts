import { credentials } from '@grpc/grpc-js';
import { apiKeyMetadata, callUnary, type UnaryMethod } from '@prism/grpc';
import {
  AudienceApproach,
  Gender,
  StrategyServiceClient,
  type StrategySpec,
} from '@prism/proto/prism/strategy/v1/strategy';

const spring: StrategySpec = {
  name: 'Spring trail running push',
  brand: 'Stride',
  products: ['Stride Trail X', 'Stride Hydration Vest'],
  objectives: ['Grow trail-running revenue 20% in Q2', 'Win runners moving from road to trail'],
  targetAudience: {
    ageRanges: [{ min: 25, max: 44 }],
    genders: [Gender.GENDER_FEMALE, Gender.GENDER_MALE],
    locations: ['DE', 'AT', 'CH'],
    interests: ['trail running', 'hiking', 'outdoor'],
    behaviours: ['runs weekly', 'bought running shoes in the last year'],
    painPoints: ['shoes wear out fast on rough ground', 'knee strain on descents'],
  },
  profileSpaceId: 'demo',
};

const loyalty: StrategySpec = {
  name: 'Loyalty win-back',
  brand: 'Stride',
  products: ['Stride Club membership'],
  objectives: ['Bring back customers without an order in 90 days'],
  targetAudience: {
    ageRanges: [{ min: 18, max: 65 }],
    genders: [],
    locations: ['EU'],
    interests: ['fitness'],
    behaviours: ['lapsed buyer'],
    painPoints: ['prices', 'delivery times'],
  },
  profileSpaceId: 'demo',
};

/**
 * Loads the demo space once: two strategies and three campaigns at different wizard steps
 * (no strategy yet; strategy chosen; AI segments chosen). Returns what it found or made.
 */
export async function loadDemoData(address: string, apiKey: string) {
  const client = new StrategyServiceClient(address, credentials.createInsecure());
  const metadata = apiKeyMetadata(apiKey);
  const call = <Req, Res>(method: UnaryMethod<Req, Res>, request: Req) =>
    callUnary(client, method, metadata, request);
  try {
    const existing = await call(client.listStrategies, { pageSize: 1, pageToken: '' });
    if (existing.strategies.length > 0) return { created: false };

    const { strategy } = await call(client.createStrategy, { spec: spring });
    await call(client.createStrategy, { spec: loyalty });
    await call(client.createCampaign, { name: 'Newsletter (step 2 pending)' });
    const { campaign: chosen } = await call(client.createCampaign, { name: 'Trail launch — Germany' });
    await call(client.selectStrategy, {
      campaignId: chosen!.id,
      strategyId: strategy!.id,
      expectedEpoch: chosen!.epoch,
    });
    const { campaign: ai } = await call(client.createCampaign, { name: 'Trail launch — Alps (AI segments)' });
    const step2 = await call(client.selectStrategy, {
      campaignId: ai!.id,
      strategyId: strategy!.id,
      expectedEpoch: ai!.epoch,
    });
    await call(client.setAudienceApproach, {
      campaignId: ai!.id,
      approach: AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS,
      expectedEpoch: step2.campaign!.epoch,
    });
    return { created: true };
  } finally {
    client.close();
  }
}
