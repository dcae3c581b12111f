import type { JetStreamManager } from 'nats';

/**
 * Every message stored in `stream` so far, oldest first, parsed as JSON and kept when `keep`
 * accepts it: what a test asserts was published. A sequence number with no message (deleted)
 * is skipped.
 */
export async function storedMessages<T>(
  jsm: JetStreamManager,
  stream: string,
  keep: (message: T) => boolean = () => true,
): Promise<T[]> {
  const { state } = await jsm.streams.info(stream);
  const kept: T[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const stored = await jsm.streams.getMessage(stream, { seq }).catch(() => undefined);
    const message = stored?.json<T>();
    if (message !== undefined && keep(message)) kept.push(message);
  }
  return kept;
}
