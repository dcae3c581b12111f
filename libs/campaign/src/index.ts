/**
 * How a service that holds something per campaign (persona's selection, segment-generation's
 * segments) stays consistent with the strategy service's campaigns: it follows the campaign
 * events into a local projection, clears what a newer epoch leaves behind, and refuses commands
 * made under an older epoch.
 *
 * Main entry points: `followCampaigns` (the campaign.* event consumer, over a `CampaignStates`
 * projection and the service's `CampaignFollower`), `writeAtEpoch` and `requireEpoch` for
 * commands, and `strategyLookups` / `campaignAt` / `campaignNow` for reading the strategy service directly when
 * the projection may lag.
 *
 * @module
 */
export { type CampaignEventData, campaignEventData } from './campaign-events.js';
export { type CampaignFollower, followCampaigns } from './campaign-follower.js';
export { CampaignStates } from './campaign-state-store.js';
export {
  type CampaignView,
  type ClearReason,
  type HeldSelection,
  requireEpoch,
  requireNotSuperseded,
} from './epoch-rule.js';
export { campaignAt, campaignNow, type StrategyLookups, strategyLookups } from './strategy-lookups.js';
export { type HeldAtEpoch, writeAtEpoch } from './write-at-epoch.js';
