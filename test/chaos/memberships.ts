import { type ServiceError, status } from '@grpc/grpc-js';
import { type Bus, type PrismEvent, streamName, subjectOf } from '@prism/bus';
import { membersOf, spaceProfiles } from '../convergence/audience-agreement.js';
import type { World } from '../convergence/world.js';

/**
 * "Every membership change applied once", from audience-sync's stream: per audience and
 * profile, `entered` and `exited` alternate (starting with `entered`), and the last of them is
 * what the audience holds now. The chaos audience (plan = pro) holds exactly the profiles on
 * that plan, as the profile service has them.
 */

export const CHAOS_AUDIENCE_KEY = 'chaos_pro';
const FETCH_EXPIRES_MS = 10_000;

export interface MembershipFigures {
  /** entered + exited events in the stream. */
  changes: number;
  audiences: number;
  /** A change published twice in a row, or an exit before an entry. */
  repeated: string[];
  /** Profiles whose last published change is not what the audience holds. */
  disagreeing: string[];
  /** Profiles on plan pro missing from the chaos audience, or members not on it. */
  chaosAudienceWrong: string[];
}

interface MembershipChange {
  audienceId: string;
  profileId: string;
  audienceVersion?: string;
  epoch?: string;
  cause?: { kind?: string; eventId?: string };
}

const entered = (event: PrismEvent) => event.type.endsWith('.entered');

/** Enough of a change to find it and its cause again. */
function describe(event: PrismEvent): string {
  const { audienceVersion, epoch, cause } = event.data as MembershipChange;
  const kind = entered(event) ? 'entered' : 'exited';
  return `${kind} ${event.id} (${cause?.kind} ${cause?.eventId ?? ''}, audience v${audienceVersion ?? 0}, epoch ${epoch ?? 0}, ${event.time})`;
}

export async function checkMemberships(world: World, bus: Bus): Promise<MembershipFigures> {
  const changes = await membershipChanges(bus);
  const lastByAudience = new Map<string, Map<string, PrismEvent>>();
  const repeated: string[] = [];
  for (const event of changes) {
    const { audienceId, profileId } = event.data as MembershipChange;
    const last = lastByAudience.get(audienceId) ?? new Map<string, PrismEvent>();
    lastByAudience.set(audienceId, last);
    const before = last.get(profileId);
    if ((before ? entered(before) : false) === entered(event))
      repeated.push(
        `${audienceId}/${profileId}: ${describe(event)} after ${before ? describe(before) : 'nothing'}`,
      );
    last.set(profileId, event);
  }
  const disagreeing: string[] = [];
  for (const [audienceId, last] of lastByAudience) {
    const members = await currentMembers(world, audienceId);
    if (members === undefined) continue;
    const published = [...last].filter(([, event]) => entered(event)).map(([profileId]) => profileId);
    disagreeing.push(...symmetricDifference(published, members).map((p) => `${audienceId}/${p}`));
  }
  return {
    changes: changes.length,
    audiences: lastByAudience.size,
    repeated,
    disagreeing,
    chaosAudienceWrong: await chaosAudienceWrong(world),
  };
}

async function chaosAudienceWrong(world: World): Promise<string[]> {
  const onPlan = (await spaceProfiles(world))
    .filter(({ traits }) => traits.plan === 'pro')
    .map((p) => p.profileId);
  const members = await membersOf(world, { id: CHAOS_AUDIENCE_KEY });
  return symmetricDifference(onPlan, members);
}

/** An audience's members, or undefined once it was deleted. */
async function currentMembers(world: World, audienceId: string): Promise<string[] | undefined> {
  try {
    return await membersOf(world, { id: audienceId });
  } catch (error) {
    if ((error as Partial<ServiceError>).code === status.NOT_FOUND) return undefined;
    throw error;
  }
}

const symmetricDifference = (a: string[], b: string[]) => {
  const inA = new Set(a);
  const inB = new Set(b);
  return [...a.filter((x) => !inB.has(x)), ...b.filter((x) => !inA.has(x))];
};

/**
 * Every `audience.*.entered|exited` in audience-sync's stream, in stream order. One filter
 * subject for the consumer: NATS 2.9 (Debian's) has no consumers with several.
 */
async function membershipChanges(bus: Bus): Promise<PrismEvent[]> {
  const stream = streamName(bus.prefix, 'audience');
  const filter = subjectOf(bus.prefix, '*', 'audience.>');
  const info = await bus.jsm.streams.info(stream, { subjects_filter: filter });
  const total = Object.values(info.state.subjects ?? {}).reduce((sum, n) => sum + n, 0);
  if (total === 0) return [];
  const consumer = await bus.js.consumers.get(stream, { filterSubjects: filter });
  const events: PrismEvent[] = [];
  // Pull after pull until all are read: one pull of tens of thousands outlasts its expiry.
  while (events.length < total) {
    const before = events.length;
    const pull = await consumer.fetch({
      max_messages: Math.min(total - before, 5_000),
      expires: FETCH_EXPIRES_MS,
    });
    for await (const msg of pull) events.push(msg.json<PrismEvent>());
    if (events.length === before) throw new Error(`read ${events.length} of ${total} audience events`);
  }
  return events.filter((event) => /\.(entered|exited)$/.test(event.type));
}
