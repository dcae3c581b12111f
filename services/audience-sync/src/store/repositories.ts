import type { Db } from 'mongodb';
import { AudienceDays } from './audience-days.js';
import { AudienceStore } from './audiences.js';
import { CampaignSources } from './campaigns.js';
import { DeliveryQueue } from './deliveries.js';
import { DestinationStore } from './destinations.js';
import { MembershipStore } from './membership-store.js';

export interface AudienceRepositories {
  audiences: AudienceStore;
  membership: MembershipStore;
  days: AudienceDays;
  campaigns: CampaignSources;
  destinations: DestinationStore;
  deliveries: DeliveryQueue;
}

export async function openRepositories(db: Db): Promise<AudienceRepositories> {
  const repos = {
    audiences: new AudienceStore(db),
    membership: new MembershipStore(db),
    days: new AudienceDays(db),
    campaigns: new CampaignSources(db),
    destinations: new DestinationStore(db),
    deliveries: new DeliveryQueue(db),
  };
  await Promise.all([
    repos.audiences.ensureIndexes(),
    repos.membership.ensureIndexes(),
    repos.days.ensureIndexes(),
    repos.campaigns.ensureIndexes(),
    repos.destinations.ensureIndexes(),
    repos.deliveries.ensureIndexes(),
  ]);
  return repos;
}
