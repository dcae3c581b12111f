import { createHash } from 'node:crypto';
import { type Bus, ensureStream, streamName } from '@prism/bus';
import { z } from 'zod';

/** The part of a `Bus` the key sets travel on. */
export type KeyBus = Pick<Bus, 'js' | 'jsm' | 'prefix'>;

export type KeyKind = 'write' | 'api';

/** One key as every service sees it: its digest, never its secret. */
export interface AnnouncedKey {
  /** SHA-256 of the secret, hex. */
  digest: string;
  kind: KeyKind;
  /** When it stops working; absent while it has no end. */
  revokeAt?: Date;
}

/** A space's keys at one version of the space: the record the profile service announces. */
export interface SpaceKeySet {
  spaceId: string;
  /** The space document's version; a set never replaces a newer one. */
  version: number;
  keys: AnnouncedKey[];
}

const spaceKeySet = z.object({
  spaceId: z.string().min(1),
  version: z.number().int().positive(),
  keys: z.array(
    z.object({
      digest: z.string().regex(/^[0-9a-f]{64}$/),
      kind: z.enum(['write', 'api']),
      revokeAt: z.iso
        .datetime()
        .transform((at) => new Date(at))
        .optional(),
    }),
  ),
});

export function keyDigest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function isLive(key: { revokeAt?: Date | undefined }, at: Date): boolean {
  return key.revokeAt === undefined || key.revokeAt > at;
}

/** JSON, with `revokeAt` as ISO text. */
export function encodeKeySet(keySet: SpaceKeySet): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(keySet));
}

/** Throws on anything that is not a key set. */
export function decodeKeySet(data: Uint8Array): SpaceKeySet {
  return spaceKeySet.parse(JSON.parse(new TextDecoder().decode(data)));
}

/** `PRISM_SPACE_KEYS`: one subject per space, holding only its last key set. */
export const keyStreamName = (prefix: string) => streamName(prefix, 'space-keys');

/**
 * `prism.space-keys.<space>`: three tokens, so it overlaps neither the event subjects (four or
 * more, the space second) nor `prism.dlq.*`.
 */
export const keySubjectOf = (prefix: string, spaceId: string) => `${prefix}.space-keys.${spaceId}`;

/**
 * Creates the stream if it is missing, whoever starts first: a service may follow the key sets
 * before the profile service has ever announced one. Only the last set per space is kept.
 */
export async function ensureKeyStream(jsm: KeyBus['jsm'], prefix: string): Promise<void> {
  const name = keyStreamName(prefix);
  const info = await ensureStream(jsm, { name, subjects: [keySubjectOf(prefix, '*')] });
  if (info.config.max_msgs_per_subject !== 1)
    await jsm.streams.update(name, { ...info.config, max_msgs_per_subject: 1 });
}
