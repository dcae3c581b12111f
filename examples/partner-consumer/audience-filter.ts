/**
 * An audience event as Prism publishes it on `<prefix>.<space>.audience.<key>.<entered|exited|computed>`:
 * a CloudEvents 1.0 envelope whose `data` is prism.events.v1.AudienceMembershipChanged or
 * AudienceComputed in proto3 JSON (fields at their default value are left out). See
 * docs/asyncapi.yaml.
 */
export interface AudienceEvent {
  id: string;
  /** `prism.audience.entered`, `prism.audience.exited` or `prism.audience.computed`. */
  type: string;
  source: string;
  subject: string;
  time: string;
  prismspace: string;
  prismaudience: string;
  /** The campaign's epoch (a decimal string), on a campaign audience's events only. */
  prismepoch?: string;
  data: {
    audienceId: string;
    audienceKey: string;
    audienceVersion?: number;
    profileId?: string;
    identifiers?: { type: string; value: string }[];
    traits?: Record<string, unknown>;
    cause?: { kind: string; eventId?: string };
    campaignId?: string;
    epoch?: number;
    size?: number;
    entered?: number;
    exited?: number;
  };
}

/** Why an event is not handed on. */
export type DropReason = 'duplicate' | 'stale_epoch';

/**
 * Delivery is at least once, and a campaign's audiences are rebuilt at each new epoch, so a
 * partner drops what it has already handled (by CloudEvent id) and what a newer epoch of the
 * same campaign has replaced. `remember` comes after the event was handled, so one whose
 * handling failed is not mistaken for a duplicate when it comes again.
 */
export function audienceFilter(maxRememberedIds = 100_000) {
  // Insertion-ordered, so the oldest id is forgotten first; redeliveries come soon after.
  const handled = new Set<string>();
  const newestEpoch = new Map<string, bigint>();

  const epochOf = (event: AudienceEvent) => {
    const campaign = event.data.campaignId;
    return campaign && event.prismepoch !== undefined
      ? { campaign, epoch: BigInt(event.prismepoch) }
      : undefined;
  };

  return {
    verdict(event: AudienceEvent): DropReason | undefined {
      if (handled.has(event.id)) return 'duplicate';
      const scoped = epochOf(event);
      const newest = scoped && newestEpoch.get(scoped.campaign);
      if (scoped && newest !== undefined && scoped.epoch < newest) return 'stale_epoch';
      return undefined;
    },
    remember(event: AudienceEvent): void {
      handled.add(event.id);
      if (handled.size > maxRememberedIds) handled.delete(handled.values().next().value as string);
      const scoped = epochOf(event);
      if (scoped && scoped.epoch > (newestEpoch.get(scoped.campaign) ?? -1n)) {
        newestEpoch.set(scoped.campaign, scoped.epoch);
      }
    },
  };
}

/** The envelope fields this consumer relies on, checked before anything trusts them. */
export function parseAudienceEvent(bytes: Uint8Array): AudienceEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const event = value as Partial<AudienceEvent>;
  const usable =
    typeof event.id === 'string' &&
    typeof event.type === 'string' &&
    event.type.startsWith('prism.audience.') &&
    typeof event.prismaudience === 'string' &&
    (event.prismepoch === undefined || /^(0|[1-9][0-9]*)$/.test(event.prismepoch)) &&
    typeof event.data === 'object' &&
    event.data !== null;
  return usable ? (event as AudienceEvent) : undefined;
}
