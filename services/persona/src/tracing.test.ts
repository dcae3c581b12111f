import { AudienceApproach } from '@prism/proto/prism/strategy/v1/strategy';
import { type RecordedSpan, recordSpansInMemory } from '@prism/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PersonaHarness, startPersonaHarness } from './testing/harness.js';
import { type Api, apiOf, personaSpec, personasCampaign } from './testing/scenario.js';

const recording = await recordSpansInMemory();
let h: PersonaHarness;
let api: Api;
beforeAll(async () => {
  h = await startPersonaHarness();
  api = apiOf(h);
});
afterAll(async () => {
  await h?.stop();
  await recording.stop();
});

const STRATEGY = '/prism.strategy.v1.StrategyService';
const PERSONA = '/prism.persona.v1.PersonaService';

/** The newest span of that name, and every span of its trace. */
async function traceOf(name: string): Promise<{ root: RecordedSpan; trace: RecordedSpan[] }> {
  const spans = await recording.spans();
  const root = spans.filter((span) => span.name === name).at(-1);
  if (!root) throw new Error(`no span ${name} among ${spans.length}`);
  return { root, trace: spans.filter((span) => span.traceId === root.traceId) };
}

const childOf = (trace: RecordedSpan[], parent: RecordedSpan, name: string) =>
  trace.find((span) => span.parentSpanId === parent.spanId && span.name.startsWith(name));

describe('OpenTelemetry traces across the services', () => {
  it('follows an approach switch in one trace: the strategy call, its event in persona, the clear back in strategy', async () => {
    const { campaign, ids } = await personasCampaign(api, 2);
    await api.select(campaign.id, ids, campaign.epoch);
    await api.setApproach(campaign.id, AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS, campaign.epoch);

    await expect
      .poll(async () => {
        const { root, trace } = await traceOf(`${STRATEGY}/SetAudienceApproach`);
        const inPersona = childOf(trace, root, 'persona_campaigns ');
        const backInStrategy = inPersona && childOf(trace, inPersona, 'strategy_persona_selections ');
        return [inPersona?.name, backInStrategy?.name];
      })
      .toEqual([
        'persona_campaigns prism.campaign.approach_changed',
        'strategy_persona_selections prism.campaign.personas.cleared',
      ]);
  });

  it('shows when the outbox relay published a command’s event: a producer span under the call', async () => {
    await api.createStrategy();
    await expect
      .poll(async () => {
        const { root, trace } = await traceOf(`${STRATEGY}/CreateStrategy`);
        const published = childOf(trace, root, 'publish ');
        return published && { name: published.name, attributes: published.attributes };
      })
      .toMatchObject({
        name: 'publish prism.strategy.created',
        attributes: { 'messaging.system': 'nats', 'prism.space': 'acme' },
      });
  });

  it('makes a call one service makes to another a child of the call that caused it', async () => {
    const strategy = await api.createStrategy();
    await api.createPersona(personaSpec(strategy.id));
    const { root, trace } = await traceOf(`${PERSONA}/CreatePersona`);
    expect(childOf(trace, root, `${STRATEGY}/GetStrategy`)).toMatchObject({
      attributes: { 'rpc.system': 'grpc', 'rpc.method': `${STRATEGY}/GetStrategy` },
    });
  });
});
