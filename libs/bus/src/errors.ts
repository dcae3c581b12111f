/** Why a message could not be turned into a PrismEvent. */
export type PoisonReason = 'invalid_utf8' | 'invalid_json' | 'invalid_envelope' | 'invalid_data';

/**
 * A message that can never be processed, however often it is redelivered. Consumers recognise
 * it by class and dead-letter the message at once instead of burning retries on it.
 */
export class PoisonMessage extends Error {
  override readonly name = 'PoisonMessage';
  constructor(
    readonly reason: PoisonReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A producer tried to build an envelope that consumers would reject; fail at the source instead. */
export class InvalidEvent extends Error {
  override readonly name = 'InvalidEvent';
}
