import type { AudienceDefinition } from '../domain/audience.js';
import { evaluationOrder } from '../domain/dependencies.js';
import { applyChanges, type LiveAudience, type MembershipChange } from '../domain/membership.js';
import { ProfileMirror } from '../domain/profile-mirror.js';
import type { AudienceRows } from '../index/bulk-evaluator.js';
import type { Bitmap } from '../index/trait-column.js';
import type { AudienceDocument } from '../store/documents.js';
import { bucketOf } from '../store/membership-store.js';

/** A definition as evaluation reads it, from its stored document. */
export const definitionOf = (doc: AudienceDocument): AudienceDefinition => ({
  id: doc._id,
  key: doc.key,
  name: doc.name,
  kind: doc.kind,
  version: doc.version,
  ...(doc.rule && { rule: doc.rule }),
  ...(doc.entries && { entries: doc.entries }),
  ...(doc.campaign && { campaign: doc.campaign }),
  ...(doc.lookalike && { lookalike: doc.lookalike }),
});

/**
 * One space as audience-sync holds it in memory: the profile mirror, every audience with its
 * members, and which snapshot buckets changed since the last snapshot. Only the space's writer
 * touches it.
 */
export class SpaceState {
  readonly mirror = new ProfileMirror();
  readonly docs = new Map<string, AudienceDocument>();
  readonly live = new Map<string, LiveAudience>();
  private readonly ids = new Map<string, string>();
  /** Last membership log sequence written. */
  seq = 0;
  /** Audience id → buckets changed since the last snapshot. */
  readonly dirty = new Map<string, Set<number>>();
  private order: LiveAudience[] | undefined;

  constructor(readonly spaceId: string) {}

  put(doc: AudienceDocument, members?: Map<string, number>): LiveAudience {
    const existing = this.live.get(doc._id);
    const audience = { definition: definitionOf(doc), members: members ?? existing?.members ?? new Map() };
    if (existing) this.ids.delete(existing.definition.key);
    this.docs.set(doc._id, doc);
    this.live.set(doc._id, audience);
    this.ids.set(doc.key, doc._id);
    this.order = undefined;
    return audience;
  }

  /** The columns of the mirror's profiles, with each audience's members as rows. */
  get index() {
    return this.mirror.index;
  }

  /** Applies stored membership changes to the members and to their rows in the index. */
  apply(changes: readonly MembershipChange[]): void {
    applyChanges(this.live, changes);
    for (const change of changes) this.index.setMember(change.audienceId, change.profileId, change.entered);
  }

  /**
   * Sets every audience's member rows from its members: at start, once the mirror has the
   * profiles (members restored before it have no rows yet).
   */
  indexMemberships(): void {
    for (const [id, audience] of this.live) {
      this.index.dropAudience(id);
      for (const profileId of audience.members.keys()) this.index.setMember(id, profileId, true);
    }
  }

  /** Members of the audience with this key, as rows of the index. */
  readonly audienceRows: AudienceRows = (key: string): Bitmap | undefined => {
    const audience = this.byKey(key);
    return audience && this.index.members(audience.definition.id);
  };

  drop(id: string): void {
    this.index.dropAudience(id);
    const key = this.live.get(id)?.definition.key;
    if (key) this.ids.delete(key);
    this.docs.delete(id);
    this.live.delete(id);
    this.dirty.delete(id);
    this.order = undefined;
  }

  byKey(key: string): LiveAudience | undefined {
    const id = this.ids.get(key);
    return id === undefined ? undefined : this.live.get(id);
  }

  /** Every audience's definition (the dependency checks read them). */
  definitions(): AudienceDefinition[] {
    return [...this.live.values()].map((audience) => audience.definition);
  }

  /** Every audience, each after the ones its rule names. */
  ordered(): LiveAudience[] {
    this.order ??= evaluationOrder(
      [...this.live.values()].map((audience) => ({
        ...audience,
        key: audience.definition.key,
        rule: audience.definition.rule,
        lookalike: audience.definition.lookalike,
      })),
    );
    return this.order;
  }

  readonly isMember = (key: string, profileId: string): boolean =>
    this.byKey(key)?.members.has(profileId) ?? false;

  noteChanged(changes: readonly MembershipChange[]): void {
    for (const change of changes) {
      const buckets = this.dirty.get(change.audienceId) ?? new Set<number>();
      this.dirty.set(change.audienceId, buckets);
      buckets.add(bucketOf(change.profileId));
    }
  }
}
