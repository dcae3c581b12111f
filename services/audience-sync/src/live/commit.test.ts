import { Aborted } from '@prism/errors';
import { createLogger } from '@prism/log';
import { describe, expect, it } from 'vitest';
import type { AudienceDocument } from '../store/documents.js';
import { engineWorld } from '../testing/engine-world.js';
import { insertDefinition, reviseDefinition } from './definitions.js';
import { AudienceEngine, type ProfileEvent } from './engine.js';
import { restoreMembership } from './recovery.js';

const world = engineWorld('commit-test');
const logger = createLogger('commit-test', { level: 'silent' });
let clock = Date.parse('2026-03-30T22:00:00Z');

/** An engine on the test's database and bus, on the test's clock (a restart makes a new one). */
const engineOnClock = () =>
  new AudienceEngine({ repos: world.repos, publisher: world.bus.publisher, logger, now: () => clock });

let eventNumber = 0;
const event = (change: ProfileEvent['change']): ProfileEvent => ({ id: `evt_${++eventNumber}`, change });
const plan = (profileId: string, value: string, version: number) =>
  event({
    kind: 'profile.traits_changed',
    profileId,
    traits: { plan: value },
    changedKeys: ['plan'],
    version,
  });

async function createProAudience(engine: AudienceEngine, spaceId: string, key: string) {
  const doc: AudienceDocument = {
    _id: `audience_${key}`,
    spaceId,
    key,
    name: key,
    description: '',
    kind: 'dynamic',
    rule: { trait: { key: 'plan', operator: 'equals', value: 'pro' } },
    version: 1,
    size: 0,
    status: { state: 'live', progress: 1 },
    createdAt: new Date(clock),
    updatedAt: new Date(clock),
  };
  return engine.inSpace(spaceId, (state) => insertDefinition(engine, state, doc));
}

const daysOf = async (spaceId: string, audienceId: string) =>
  (await world.repos.days.window(spaceId, audienceId, '2026-01-01', '2026-12-31')).days;

describe('per-day analytics kept by the committer', () => {
  it('counts entered and exited per day from membership changes, a silent merge exit not as an exit', async () => {
    const engine = engineOnClock();
    const context = { space: 'acme' };
    const doc = await createProAudience(engine, 'acme', 'pro_users');
    await engine.applyProfileEvents(
      'acme',
      [plan('p1', 'pro', 1), plan('p2', 'pro', 1), plan('p3', 'free', 1)],
      context,
    );
    clock = Date.parse('2026-03-31T01:00:00Z');
    await engine.applyProfileEvents(
      'acme',
      [plan('p1', 'free', 2), plan('p3', 'pro', 2), plan('p4', 'pro', 1)],
      context,
    );
    await engine.applyProfileEvents('acme', [plan('p4', 'free', 2)], context);
    clock = Date.parse('2026-04-02T09:00:00Z');
    await engine.applyProfileEvents(
      'acme',
      [event({ kind: 'profile.merged', survivor: 'p3', merged: ['p2'] })],
      context,
    );

    expect(await daysOf('acme', doc._id)).toEqual([
      { date: '2026-03-30', entered: 2, exited: 0, size: 2 },
      { date: '2026-03-31', entered: 2, exited: 2, size: 2 },
      { date: '2026-04-02', entered: 0, exited: 0, size: 1 },
    ]);
  });

  it('a replayed chunk is counted once, and one a crash left uncounted is counted at start', async () => {
    const engine = engineOnClock();
    const doc = await createProAudience(engine, 'globex', 'replayed');
    clock = Date.parse('2026-04-03T10:00:00Z');
    await engine.applyProfileEvents('globex', [plan('r1', 'pro', 1), plan('r2', 'pro', 1)], {
      space: 'globex',
    });
    const counted = engine.space('globex').seq;
    // A crash after the days counted the entry but before it was marked published...
    await world.repos.membership.markPublished('globex', counted - 1);
    // ...and one right after the next entry reached the log: neither counted nor published.
    const at = Date.parse('2026-04-04T08:00:00Z');
    const exit = {
      audienceId: doc._id,
      profileId: 'r1',
      entered: false,
      at,
      cause: { kind: 'MANUAL' as const },
    };
    await world.repos.membership.append('globex', counted + 1, [exit], []);

    await restoreMembership(engineOnClock(), world.repos, logger);

    expect(await daysOf('globex', doc._id)).toEqual([
      { date: '2026-04-03', entered: 2, exited: 0, size: 2 },
      { date: '2026-04-04', entered: 0, exited: 1, size: 1 },
    ]);
  });

  it("drops an audience's days when the audience is deleted", async () => {
    const engine = engineOnClock();
    await restoreMembership(engine, world.repos, logger);
    const doc = engine.space('globex').docs.get('audience_replayed');
    if (!doc) throw new Error('the restored engine lost audience_replayed');
    await engine.inSpace('globex', (state) =>
      engine.removeInQueue(state, doc, { space: 'globex' }, { kind: 'AUDIENCE_DELETED' }),
    );
    expect(await daysOf('globex', doc._id)).toEqual([]);
    expect(await daysOf('acme', 'audience_pro_users')).toHaveLength(3);
  });
});

describe('a definition write whose answer was lost', () => {
  it('takes the stored definition after the conflict, so the retry succeeds instead of conflicting forever', async () => {
    const engine = engineOnClock();
    const created = await createProAudience(engine, 'lost-answer', 'pro_people');
    // The server applied a revision but its answer never came back: the store is one version ahead.
    const applied = { ...created, name: 'applied, answer lost', version: 2 };
    await world.repos.audiences.replace(applied, 1);

    const revise = () =>
      engine.inSpace('lost-answer', (state) =>
        reviseDefinition(engine, state, state.docs.get(created._id) as AudienceDocument, {
          name: 'Pro people',
        }),
      );
    await expect(revise()).rejects.toBeInstanceOf(Aborted);
    const revised = await revise();
    expect(revised).toMatchObject({ name: 'Pro people', version: 3 });
    expect(await world.repos.audiences.byKey('lost-answer', 'pro_people')).toMatchObject({
      name: 'Pro people',
      version: 3,
    });
  });
});

describe('a removal whose answer was lost', () => {
  it('finishes the removal at the conflict, so the key can be written again instead of conflicting forever', async () => {
    const engine = engineOnClock();
    const created = await createProAudience(engine, 'lost-delete', 'pro_part');
    // The server deleted the definition but its answer never came back: memory still holds it.
    await world.repos.audiences.remove('lost-delete', created._id);

    const revise = () =>
      engine.inSpace('lost-delete', (state) => {
        const held = state.byKey('pro_part');
        if (!held) return insertDefinition(engine, state, { ...created, _id: 'audience_pro_part_again' });
        return reviseDefinition(engine, state, state.docs.get(held.definition.id) as AudienceDocument, {
          name: 'Pro part',
        });
      });
    await expect(revise()).rejects.toBeInstanceOf(Aborted);
    expect(engine.space('lost-delete').docs.has(created._id)).toBe(false);
    expect(await revise()).toMatchObject({ _id: 'audience_pro_part_again', version: 1 });
    expect(await world.repos.audiences.byKey('lost-delete', 'pro_part')).toMatchObject({
      _id: 'audience_pro_part_again',
    });
  });

  it('a delete retried after its answer was lost removes the audience from memory instead of answering NOT_FOUND', async () => {
    const engine = engineOnClock();
    const created = await createProAudience(engine, 'lost-delete', 'deleted_twice');
    await world.repos.audiences.remove('lost-delete', created._id);

    await engine.inSpace('lost-delete', (state) =>
      engine.removeInQueue(state, created, { space: 'lost-delete' }, { kind: 'AUDIENCE_DELETED' }),
    );
    expect(engine.space('lost-delete').byKey('deleted_twice')).toBeUndefined();
  });
});
