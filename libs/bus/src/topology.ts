import type { JetStreamManager } from 'nats';
import { ensureStream, streamName } from './streams.js';

/**
 * Prism's event topology in one place: which stream each service owns and what it captures.
 * A service ensures the streams it publishes to and those it consumes from, so start-up order
 * does not matter; the specs being identical everywhere keeps that idempotent.
 * `*` (one token) keeps 4-token `campaign.*` clear of the persona service's 5-token
 * `campaign.personas.*` and `campaign.segments.*`.
 */
const subjectsOf = {
  strategy: (prefix: string) => [`${prefix}.*.strategy.*`, `${prefix}.*.campaign.*`],
  persona: (prefix: string) => [`${prefix}.*.persona.*`, `${prefix}.*.campaign.personas.*`],
  profile: (prefix: string) => [`${prefix}.*.profile.*`],
  segments: (prefix: string) => [`${prefix}.*.campaign.segments.*`],
  // `audience.<audience key>.<entered|exited|computed>`: partners follow one audience or all.
  audience: (prefix: string) => [`${prefix}.*.audience.>`],
} as const;

export type OwningService = keyof typeof subjectsOf;

export function streamSpecOf(prefix: string, service: OwningService) {
  return { name: streamName(prefix, service), subjects: subjectsOf[service](prefix) };
}

export async function ensureServiceStreams(jsm: JetStreamManager, prefix: string, services: OwningService[]) {
  for (const service of services) await ensureStream(jsm, streamSpecOf(prefix, service));
}
