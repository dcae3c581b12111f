import type { EventContext } from '@prism/bus';
import type { Rule } from '@prism/rules';
import { v7 as uuidv7 } from 'uuid';
import type { CampaignSource } from '../domain/audience.js';
import {
  type CampaignPart,
  type CampaignState,
  campaignAudienceKey,
  campaignParts,
  type KnownPersona,
  unionRule,
} from '../domain/campaign-selection.js';
import type { AudienceDocument } from '../store/documents.js';
import { insertDefinition, reviseDefinition } from './definitions.js';
import type { AudienceEngine } from './engine.js';
import type { SpaceState } from './space-state.js';

const EPOCH = { kind: 'EPOCH' } as const;

/**
 * Materialises a campaign's audience at its epoch, on the space's queue: one audience per
 * segment or persona of the selection (kept by position, so a part's members change only by
 * the difference) and the union, "member of any part". Parts the new selection no longer has
 * are removed (their members exit). Every event carries the new epoch; the queue finishes one
 * epoch's rebuild before the next starts, so nothing older is published after something newer.
 */
export async function rebuildCampaign(
  engine: AudienceEngine,
  state: SpaceState,
  campaign: CampaignState,
  context: EventContext,
) {
  const { campaigns } = engine.deps.repos;
  const personas = await knownPersonas(engine, state.spaceId, campaign);
  const parts = campaign.deleted
    ? []
    : campaignParts(campaign, personas, await campaigns.traitMapping(state.spaceId));
  const held = [...state.docs.values()].filter((doc) => doc.campaign?.campaignId === campaign.campaignId);
  const source = (part?: CampaignPart): CampaignSource => ({
    campaignId: campaign.campaignId,
    epoch: campaign.epoch,
    union: part === undefined,
    ...(part?.segmentId && { segmentId: part.segmentId }),
    ...(part?.personaId && { personaId: part.personaId }),
  });
  const written: AudienceDocument[] = [];
  for (const part of parts)
    written.push(
      await writePart(engine, state, held, {
        key: part.key,
        name: part.name,
        rule: part.rule,
        campaign: source(part),
      }),
    );
  const unionKey = campaignAudienceKey(campaign.campaignId);
  const stale = held.filter((doc) => doc.key !== unionKey && !parts.some((part) => part.key === doc.key));
  // Stale parts leave at the new epoch: the union stops naming them first.
  const unionDoc = campaign.deleted
    ? held.find((doc) => doc.key === unionKey)
    : await writePart(engine, state, held, {
        key: unionKey,
        name: `Campaign audience`,
        rule: unionRule(parts),
        campaign: source(),
      });
  const recomputed = [...written, ...(unionDoc && !campaign.deleted ? [unionDoc] : [])];
  await engine.recomputeInQueue(
    state,
    recomputed.map((doc) => doc._id),
    context,
    EPOCH,
  );
  for (const doc of [...stale, ...(campaign.deleted && unionDoc ? [unionDoc] : [])]) {
    const atEpoch = await reviseDefinition(engine, state, doc, {
      campaign: { ...(doc.campaign as CampaignSource), epoch: campaign.epoch },
    });
    await engine.removeInQueue(state, atEpoch, context, EPOCH);
  }
}

interface PartFields {
  key: string;
  name: string;
  rule: Rule;
  campaign: CampaignSource;
}

async function writePart(
  engine: AudienceEngine,
  state: SpaceState,
  held: AudienceDocument[],
  part: PartFields,
) {
  const current = held.find((doc) => doc.key === part.key);
  if (current)
    return reviseDefinition(engine, state, current, {
      name: part.name,
      rule: part.rule,
      campaign: part.campaign,
    });
  const at = new Date(engine.now());
  return insertDefinition(engine, state, {
    _id: `audience_${uuidv7()}`,
    spaceId: state.spaceId,
    key: part.key,
    name: part.name,
    description: '',
    kind: 'campaign',
    rule: part.rule,
    version: 1,
    size: 0,
    status: { state: 'building', progress: 0 },
    campaign: part.campaign,
    createdAt: at,
    updatedAt: at,
  });
}

async function knownPersonas(engine: AudienceEngine, spaceId: string, campaign: CampaignState) {
  const known = new Map<string, KnownPersona>();
  if (campaign.selection.kind !== 'personas') return known;
  for (const doc of await engine.deps.repos.campaigns.personasOf(spaceId, campaign.selection.personaIds))
    known.set(doc._id, { name: doc.name, demographics: doc.demographics });
  return known;
}
