import { callUnary } from '@prism/grpc';
import { profileStarter } from '@prism/profile/testing/starter.js';
import {
  AudienceKind,
  type AudienceServiceClient,
  ComputeState,
} from '@prism/proto/prism/audience/v1/audience';
import { Operator } from '@prism/proto/prism/rules/v1/rule';
import { eventually } from '@prism/testing';
import { keyOf, startWorld } from '@prism/testing/world';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudienceProcess, audienceProcessEnv, freePort } from './testing/process.js';

const world = await startWorld({ profile: profileStarter() });
let audienceSync: AudienceProcess;
beforeAll(async () => {
  audienceSync = new AudienceProcess(audienceProcessEnv(world), await freePort());
});
afterAll(async () => {
  await audienceSync?.stop();
  await world.stop();
});

const PEOPLE = 300;
/** Wave w gives person i an even or odd score: they enter and leave `even_scores` as waves pass. */
const wave = (w: number) =>
  Array.from({ length: PEOPLE }, (_, i) => ({
    type: 'identify',
    userId: `p${i}`,
    traits: { score: (i + w) % 2 === 0 ? 2 : 1 },
  }));

async function send(messages: object[]) {
  const profiles = world.clients.profile;
  for (let start = 0; start < messages.length; start += 100)
    await callUnary(profiles, profiles.ingest, keyOf('acme'), {
      messages: messages.slice(start, start + 100),
    });
}

const call = <Req, Res>(
  client: AudienceServiceClient,
  method: (c: AudienceServiceClient) => (...args: never[]) => unknown,
  request: Req,
) => callUnary<Req, Res>(client, method(client) as never, keyOf('acme'), request);

describe('audience-sync after kill -9', () => {
  it('resumes without republishing old changes and without missing new ones', async () => {
    let client = await audienceSync.start();
    await send(wave(0));
    await call(client, (c) => c.createAudience, {
      spec: {
        key: 'even_scores',
        name: 'Even scores',
        description: '',
        kind: AudienceKind.AUDIENCE_KIND_DYNAMIC,
        rule: {
          node: { $case: 'trait', value: { key: 'score', operator: Operator.OPERATOR_EQUALS, value: 2 } },
        },
      },
    });
    for (let w = 1; w <= 6; w += 1) {
      await send(wave(w));
      if (w % 2 === 0) {
        // Killed while the wave is being applied and published, and before its snapshot.
        await new Promise((resolve) => setTimeout(resolve, 40 * w));
        await audienceSync.kill();
        client.close();
        client = await audienceSync.start();
      }
    }
    // The last wave (6): even people have score 2.
    const expected = Array.from({ length: PEOPLE }, (_, i) => i)
      .filter((i) => (i + 6) % 2 === 0)
      .map((i) => `p${i}`);
    const events = await eventually(async () => {
      const all = await world.events('audience', (event) => event.type !== 'prism.audience.computed');
      const members = membersFrom(all);
      return members.size === expected.length && [...members].every((user) => expected.includes(user))
        ? all
        : undefined;
    }, 60_000);
    // Every person's events alternate entered/exited: a republished old change would repeat one.
    const byUser = new Map<string, string[]>();
    for (const event of events) {
      const user = userOf(event.data);
      byUser.set(user, [...(byUser.get(user) ?? []), event.type]);
    }
    for (const [user, types] of byUser)
      types.forEach((type, index) => {
        if (index > 0) expect(type, `${user}: ${types.join(', ')}`).not.toBe(types[index - 1]);
      });
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    const live = await eventually(async () => {
      const { audience } = await call<object, { audience: { size: number; status: { state: number } } }>(
        client,
        (c) => c.getAudience,
        {
          audience: 'even_scores',
        },
      );
      return audience.status.state === ComputeState.COMPUTE_STATE_LIVE &&
        Number(audience.size) === expected.length
        ? audience
        : undefined;
    }, 30_000);
    expect(Number(live.size)).toBe(expected.length);
    client.close();
  }, 180_000);
});

const userOf = (data: unknown) =>
  (data as { identifiers: { type: string; value: string }[] }).identifiers.find((id) => id.type === 'user_id')
    ?.value ?? '';

/** Members as the events tell them: entered minus exited. */
function membersFrom(events: { type: string; data: unknown }[]): Set<string> {
  const members = new Set<string>();
  for (const event of events)
    if (event.type === 'prism.audience.entered') members.add(userOf(event.data));
    else members.delete(userOf(event.data));
  return members;
}
