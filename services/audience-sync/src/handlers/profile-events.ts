import { decodeEvent, kindOf, type PrismEvent } from '@prism/bus';
import { z } from 'zod';
import type { ProfileChange } from '../domain/profile-mirror.js';

const identifier = z.object({ type: z.string().min(1), value: z.string().min(1) });
const version = z.union([z.number(), z.string()]).transform(Number).pipe(z.number().int().min(0));

/** The profile.* payloads (prism.events.v1, proto3 JSON) as audience-sync reads them. */
const payloads = {
  'profile.created': z.object({ profileId: z.string().min(1), identifiers: z.array(identifier).default([]) }),
  'profile.traits_changed': z.object({
    profileId: z.string().min(1),
    changedKeys: z.array(z.string()).default([]),
    traits: z.record(z.string(), z.unknown()).default({}),
    version,
  }),
  'profile.identified': z.object({
    profileId: z.string().min(1),
    identifiers: z.array(identifier).default([]),
  }),
  'profile.merged': z.object({ survivor: z.string().min(1), merged: z.array(z.string().min(1)).default([]) }),
  'profile.deleted': z.object({ profileId: z.string().min(1) }),
} as const;

export type ProfileKind = keyof typeof payloads;

/**
 * A profile event's change, or an error message when its payload is not what the profile
 * service publishes (poison). Unknown kinds are skipped (undefined): newer producers must not
 * block the stream.
 */
export function profileChangeOf(kind: string, data: unknown): ProfileChange | { error: string } | undefined {
  if (!(kind in payloads)) return undefined;
  const parsed = payloads[kind as ProfileKind].safeParse(data);
  if (!parsed.success) return { error: `invalid ${kind} data: ${z.prettifyError(parsed.error)}` };
  return { kind, ...parsed.data } as ProfileChange;
}

/** A profile.* message as audience-sync applies it: its space, event id, trace and change. */
export interface ProfileMessage {
  spaceId: string;
  id: string;
  traceparent?: string | undefined;
  change: ProfileChange;
}

/**
 * Reads a message of the profile stream: its change, `{ error }` for poison (not an envelope, or
 * a payload the profile service does not publish), undefined for a kind audience-sync ignores.
 */
export function readProfileMessage(bytes: Uint8Array): ProfileMessage | { error: string } | undefined {
  let event: PrismEvent;
  try {
    event = decodeEvent(bytes);
  } catch (error) {
    return { error: String(error) };
  }
  const change = profileChangeOf(kindOf(event), event.data);
  if (change === undefined || 'error' in change) return change;
  return { spaceId: event.prismspace, id: event.id, traceparent: event.traceparent, change };
}
