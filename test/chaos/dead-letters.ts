import { type Bus, DLQ_HEADERS, deadLetterStreamName } from '@prism/bus';

/** One message a consumer gave up on: where it came from and why. */
export interface DeadLetter {
  consumer: string;
  subject: string;
  reason: string;
  error: string;
}

/** Every dead letter of the run, read from the dead-letter stream with its `Prism-Dlq-*` headers. */
export async function deadLetters(bus: Bus): Promise<DeadLetter[]> {
  const stream = deadLetterStreamName(bus.prefix);
  const { state } = await bus.jsm.streams.info(stream);
  const letters: DeadLetter[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    const stored = await bus.jsm.streams.getMessage(stream, { seq }).catch(() => undefined);
    const header = (name: string) => stored?.header?.get(name) ?? '';
    if (stored)
      letters.push({
        consumer: header(DLQ_HEADERS.consumer),
        subject: header(DLQ_HEADERS.subject),
        reason: header(DLQ_HEADERS.reason),
        error: header(DLQ_HEADERS.error),
      });
  }
  return letters;
}
