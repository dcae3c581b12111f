import { SPACE_ID_PATTERN, streamName } from '@prism/bus';
import { z } from 'zod';

/**
 * No `_` in a partner's name: `partner_<partner>_<space>` must name one consumer only (with
 * `_` allowed, partner `a_b` of space `c` and partner `a` of space `b_c` would share one).
 */
export const PARTNER_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

export const grantSchema = z.object({
  partner: z.string().regex(PARTNER_NAME_PATTERN, 'expected a-z first, then a-z, 0-9 or -, 32 at most'),
  space: z.string().regex(SPACE_ID_PATTERN, 'expected a space id'),
  prefix: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'expected a NATS subject token'),
});

export type GrantRequest = z.infer<typeof grantSchema>;

/** What a partner may read of one space, and the names the server knows it by. */
export interface PartnerGrant extends GrantRequest {
  stream: string;
  /** Its durable pull consumer on `stream`, made by Prism when the credential is issued. */
  consumer: string;
  filterSubject: string;
  /** Its clients' reply subjects (`inboxPrefix` of nats.js, `--inbox-prefix` of the nats CLI). */
  inboxPrefix: string;
}

export function grantOf(request: GrantRequest): PartnerGrant {
  const { partner, space, prefix } = grantSchema.parse(request);
  const consumer = `partner_${partner}_${space}`;
  return {
    partner,
    space,
    prefix,
    stream: streamName(prefix, 'audience'),
    consumer,
    filterSubject: `${prefix}.${space}.audience.>`,
    inboxPrefix: `_INBOX.${consumer}`,
  };
}

export interface NatsPermissions {
  publish: { allow: string[] };
  subscribe: { allow: string[] };
}

/**
 * Allow lists only, so everything else is refused: reading the space's audience events live,
 * and pulling, acknowledging and inspecting its own consumer. NATS 2.9 carries a new consumer's
 * filter in the request body, where permissions cannot see it, so a partner may not create
 * consumers (docs/architecture.md, "Partner credentials", for 2.10's subject-filtered create).
 */
export function permissionsOf(grant: PartnerGrant): NatsPermissions {
  const own = `${grant.stream}.${grant.consumer}`;
  return {
    publish: {
      allow: [`$JS.API.CONSUMER.MSG.NEXT.${own}`, `$JS.API.CONSUMER.INFO.${own}`, `$JS.ACK.${own}.>`],
    },
    subscribe: { allow: [grant.filterSubject, `${grant.inboxPrefix}.>`] },
  };
}
