import type { Db } from 'mongodb';
import { AudienceStore } from './audiences.js';
import { CampaignSources } from './campaigns.js';
import { MembershipStore } from './membership-store.js';

export interface AudienceRepositories {
  audiences: AudienceStore;
  membership: MembershipStore;
  campaigns: CampaignSources;
}

export async function openRepositories(db: Db): Promise<AudienceRepositories> {
  const repos = {
    audiences: new AudienceStore(db),
    membership: new MembershipStore(db),
    campaigns: new CampaignSources(db),
  };
  await Promise.all([
    repos.audiences.ensureIndexes(),
    repos.membership.ensureIndexes(),
    repos.campaigns.ensureIndexes(),
  ]);
  return repos;
}
