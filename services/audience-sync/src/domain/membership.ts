import { type AudienceRows, evaluateRule } from '../index/bulk-evaluator.js';
import { matchesRow } from '../index/row-evaluator.js';
import type { AudienceDefinition, LookalikeSource } from './audience.js';
import { findLookalikes } from './lookalike.js';
import { identifierToken, type ProfileMirror, type ProfileView } from './profile-mirror.js';

/** An audience as the live state holds it: its definition and members (profile id → entered at, ms). */
export interface LiveAudience {
  definition: AudienceDefinition;
  members: Map<string, number>;
}

/** BACKFILL: sent to a destination as everyone in the audience (a new, re-enabled or resynced destination). */
export type CauseKind =
  | 'PROFILE_EVENT'
  | 'RECOMPUTE'
  | 'EPOCH'
  | 'MANUAL'
  | 'DELETED'
  | 'AUDIENCE_DELETED'
  | 'BACKFILL';

export interface MembershipCause {
  kind: CauseKind;
  /** The profile event's id, for PROFILE_EVENT and DELETED. */
  eventId?: string;
}

/** One change of one profile's membership of one audience. */
export interface MembershipChange {
  audienceId: string;
  profileId: string;
  entered: boolean;
  at: number;
  cause: MembershipCause;
  /** A merged-away member whose survivor is a member: it leaves without an exit event. */
  silent?: boolean;
}

/** Reads "member of X" as the pass being evaluated leaves X. */
export type MembershipLookup = (audienceKey: string, profileId: string) => boolean;

/** Whether a mirrored profile belongs to an audience by its definition (its rule read on its row). */
export function matchesDefinition(
  definition: AudienceDefinition,
  profile: ProfileView,
  mirror: ProfileMirror,
  isMember: MembershipLookup,
): boolean {
  if (definition.kind === 'static') return isListed(definition.entries ?? [], profile);
  // A lookalike changes only when recomputed, but someone joining its seed leaves it at once.
  if (definition.lookalike)
    return isMember(definition.key, profile.id) && !isMember(definition.lookalike.seedKey, profile.id);
  const row = mirror.index.rowOf(profile.id);
  if (!definition.rule || row === undefined) return false;
  return matchesRow(definition.rule, mirror.index, row, (key) => isMember(key, profile.id));
}

/** A static list's entries as a set, built once per list (definitions are not mutated). */
const listedSets = new WeakMap<readonly string[], ReadonlySet<string>>();

function isListed(entries: readonly string[], profile: ProfileView): boolean {
  let listed = listedSets.get(entries);
  if (!listed) {
    listed = new Set(entries);
    listedSets.set(entries, listed);
  }
  const set = listed;
  return (
    set.has(profile.id) || profile.identifiers.some((identifier) => set.has(identifierToken(identifier)))
  );
}

/**
 * The membership changes that bring `audiences` (in evaluation order) in line with the mirror
 * for `profileIds`. Nothing is applied: later audiences read earlier ones through an overlay of
 * this pass's changes, and the caller stores the changes before applying them.
 */
export function reevaluate(
  audiences: readonly LiveAudience[],
  profileIds: readonly string[],
  mirror: ProfileMirror,
  causeOf: (profileId: string) => MembershipCause,
  at: number,
): MembershipChange[] {
  const pass = new MembershipPass(audiences);
  const live = profileIds.flatMap((id) => mirror.get(id) ?? []);
  const gone = profileIds.filter((id) => !mirror.get(id));
  for (const audience of audiences) {
    for (const profile of live)
      pass.decide(
        audience,
        profile.id,
        matchesDefinition(audience.definition, profile, mirror, pass.isMember),
        causeOf(profile.id),
        at,
      );
    for (const id of gone) {
      if (!audience.members.has(id)) continue;
      const survivor = mirror.survivorOf(id);
      const silent = survivor !== undefined && pass.isMember(audience.definition.key, survivor);
      pass.decide(audience, id, false, causeOf(id), at, silent);
    }
  }
  return pass.changes;
}

/**
 * Every change that makes one audience's members exactly the profiles of the mirror it matches:
 * a rule is evaluated over the index's columns at once, a static list profile by profile, a
 * lookalike ranked against its seed's members as they are now.
 */
export function recompute(
  audience: LiveAudience,
  mirror: ProfileMirror,
  audienceRows: AudienceRows,
  cause: MembershipCause,
  at: number,
): MembershipChange[] {
  const changes: MembershipChange[] = [];
  const { definition } = audience;
  const audienceId = definition.id;
  const matching = new Set<string>();
  if (definition.kind === 'static') {
    for (const profile of mirror.all())
      if (isListed(definition.entries ?? [], profile)) matching.add(profile.id);
  } else if (definition.lookalike)
    for (const id of lookalikesIn(mirror, audienceRows, definition.lookalike, at)) matching.add(id);
  else if (definition.rule)
    for (const id of mirror.index.idsOf(evaluateRule(definition.rule, mirror.index, audienceRows)))
      matching.add(id);
  for (const profileId of matching)
    if (!audience.members.has(profileId)) changes.push({ audienceId, profileId, entered: true, at, cause });
  for (const profileId of audience.members.keys())
    if (!matching.has(profileId)) changes.push({ audienceId, profileId, entered: false, at, cause });
  return changes;
}

/** The lookalikes of a seed among the mirror's profiles, with traits as they are at `at`. */
function lookalikesIn(
  mirror: ProfileMirror,
  audienceRows: AudienceRows,
  { seedKey, percent }: LookalikeSource,
  at: number,
): string[] {
  const seedRows = audienceRows(seedKey);
  const seed = new Set(seedRows ? mirror.index.idsOf(seedRows) : []);
  const profiles = Array.from(mirror.all(), ({ id, traits }) => ({ profileId: id, traits }));
  return findLookalikes(profiles, seed, percent, new Date(at));
}

/** A lookalike's members who are now members of its seed: they leave it (a lookalike never holds its seed's). */
export function seedJoiners(
  audience: LiveAudience,
  isMember: MembershipLookup,
  cause: MembershipCause,
  at: number,
): MembershipChange[] {
  const seedKey = audience.definition.lookalike?.seedKey;
  if (seedKey === undefined) return [];
  return [...audience.members.keys()]
    .filter((profileId) => isMember(seedKey, profileId))
    .map((profileId) => ({ audienceId: audience.definition.id, profileId, entered: false, at, cause }));
}

/** Applies stored changes to the live members. */
export function applyChanges(
  byId: ReadonlyMap<string, LiveAudience>,
  changes: readonly MembershipChange[],
): void {
  for (const change of changes) {
    const audience = byId.get(change.audienceId);
    if (!audience) continue;
    if (change.entered) audience.members.set(change.profileId, change.at);
    else audience.members.delete(change.profileId);
  }
}

class MembershipPass {
  readonly changes: MembershipChange[] = [];
  private readonly overlay = new Map<string, Map<string, boolean>>();
  private readonly byKey: Map<string, LiveAudience>;

  constructor(audiences: readonly LiveAudience[]) {
    this.byKey = new Map(audiences.map((audience) => [audience.definition.key, audience]));
  }

  readonly isMember: MembershipLookup = (key, profileId) => {
    const decided = this.overlay.get(key)?.get(profileId);
    if (decided !== undefined) return decided;
    return this.byKey.get(key)?.members.has(profileId) ?? false;
  };

  decide(
    audience: LiveAudience,
    profileId: string,
    member: boolean,
    cause: MembershipCause,
    at: number,
    silent = false,
  ): void {
    const { key, id } = audience.definition;
    const decided = this.overlay.get(key) ?? new Map<string, boolean>();
    this.overlay.set(key, decided);
    decided.set(profileId, member);
    if (member === audience.members.has(profileId)) return;
    this.changes.push({ audienceId: id, profileId, entered: member, at, cause, ...(silent && { silent }) });
  }
}
