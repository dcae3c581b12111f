/**
 * A message of Segment's tracking spec after validation: what every ingestion path (HTTP,
 * gRPC, NATS) hands to the pipeline. Times are already corrected for the sender's clock.
 */
export const MESSAGE_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export type JsonObject = Record<string, unknown>;

/** An identifier of a person: `user_id`, `anonymous_id`, `email`, `phone` or a custom type. */
export interface Identifier {
  type: string;
  value: string;
}

export interface TrackingMessage {
  /** The sender's id for the message; duplicates of it within a space are dropped. */
  messageId: string;
  type: MessageType;
  userId?: string;
  anonymousId?: string;
  /** alias: the id the person had before `userId`. */
  previousId?: string;
  /** group: the account the person belongs to. */
  groupId?: string;
  /** track: the event name. */
  event?: string;
  /** page/screen: the page or screen name. */
  name?: string;
  /** identify's `traits`, else `context.traits`; group traits are not person traits. */
  traits: JsonObject;
  properties: JsonObject;
  context: JsonObject;
  /** `context.externalIds` as identifiers (type = the external id's `type`). */
  externalIds: Identifier[];
  /** When it happened, corrected for the sender's clock skew using `sentAt`. */
  timestamp: Date;
  /** When Prism received it. */
  receivedAt: Date;
  sentAt?: Date;
}
