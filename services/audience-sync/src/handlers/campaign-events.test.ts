import { createEvent } from '@prism/bus';
import { createLogger } from '@prism/log';
import { describe, expect, it } from 'vitest';
import { AudienceEngine } from '../live/engine.js';
import { engineWorld } from '../testing/engine-world.js';
import { type CampaignSignalData, campaignSignalData, campaignSignalHandler } from './campaign-events.js';

const world = engineWorld('campaign-events-test');

const SPACE = 'acme';
/** A campaign event as the persona or strategy service publishes it (proto3 JSON data). */
const event = (kind: string, data: Record<string, unknown>) =>
  createEvent<CampaignSignalData>({
    source: 'prism/test',
    kind,
    space: SPACE,
    subject: 'cmp_1',
    data: campaignSignalData.parse({ campaignId: 'cmp_1', ...data }),
  });

describe('campaign events in audience-sync', () => {
  it('keeps the later persona change of an epoch across handler calls when an earlier one is redelivered', async () => {
    const engine = new AudienceEngine({
      repos: world.repos,
      publisher: world.bus.publisher,
      logger: createLogger('t', { level: 'silent' }),
    });
    const handle = campaignSignalHandler(engine);
    const delivery = { attempt: 1, redelivered: false, subject: '', streamSeq: 0, cause: { space: SPACE } };
    const chosen = event('campaign.personas.selected', { personaIds: ['p1'], epoch: 4, revision: 2 });
    await handle(event('campaign.approach_changed', { epoch: 4 }), delivery);
    await handle(chosen, delivery);
    await handle(
      event('campaign.personas.selected', { personaIds: ['p2'], epoch: 4, revision: 3 }),
      delivery,
    );
    // Redeliveries of what came before, each handled on a fresh read of the stored campaign.
    await handle(chosen, { ...delivery, attempt: 2, redelivered: true });
    await handle(event('campaign.personas.cleared', { epoch: 4, revision: 1 }), delivery);

    expect(await world.repos.campaigns.campaign(SPACE, 'cmp_1')).toMatchObject({
      epoch: 4,
      selection: { kind: 'personas', personaIds: ['p2'] },
      personaRevision: 3,
    });
  });
});
