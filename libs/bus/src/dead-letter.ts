import { type JetStreamClient, type JsMsg, headers as natsHeaders } from 'nats';

/** Why a message was dead-lettered. */
export type DeadLetterReason = 'poison' | 'max_deliver';

/** Header names on dead-lettered messages; operators and replay tools read these. */
export const DLQ_HEADERS = {
  subject: 'Prism-Dlq-Subject',
  stream: 'Prism-Dlq-Stream',
  seq: 'Prism-Dlq-Seq',
  consumer: 'Prism-Dlq-Consumer',
  reason: 'Prism-Dlq-Reason',
  error: 'Prism-Dlq-Error',
  attempts: 'Prism-Dlq-Attempts',
  /** Set when the dead letter is one message of a batch: its index there. */
  part: 'Prism-Dlq-Part',
} as const;

// Header values are one line; a stack trace or a multi-line zod report would be rejected.
function headerValue(text: string, max = 1024): string {
  const flat = text.replace(/[\r\n]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export interface DeadLetter {
  subject: string;
  consumer: string;
  reason: DeadLetterReason;
  error: unknown;
  attempts: number;
  /** One message of a batch that failed alone: its bytes are stored instead of the whole batch. */
  part?: { index: number; data: Uint8Array };
}

/**
 * Stores the original bytes, untouched, on the dead-letter subject with where they came from and
 * why they failed, so they can be inspected and replayed. Resolves only once JetStream has stored
 * the copy: the caller terminates the original only after that. The Nats-Msg-Id is derived from
 * the original's stream position, so retrying a hand-off whose ack was lost stores one copy.
 */
export async function publishDeadLetter(js: JetStreamClient, msg: JsMsg, dl: DeadLetter): Promise<void> {
  const h = natsHeaders();
  // Keep the producer's headers (Ce-*, traceparent) but not Nats-* ones: the original
  // Nats-Msg-Id would make JetStream treat dead letters of one event from several consumers as duplicates.
  for (const [key, values] of msg.headers ?? []) {
    if (key.toLowerCase().startsWith('nats-')) continue;
    for (const v of values) h.append(key, v);
  }
  h.set(DLQ_HEADERS.subject, msg.subject);
  h.set(DLQ_HEADERS.stream, msg.info.stream);
  h.set(DLQ_HEADERS.seq, String(msg.info.streamSequence));
  h.set(DLQ_HEADERS.consumer, dl.consumer);
  h.set(DLQ_HEADERS.reason, dl.reason);
  h.set(DLQ_HEADERS.error, headerValue(errorText(dl.error)) || 'unknown error');
  h.set(DLQ_HEADERS.attempts, String(dl.attempts));
  if (dl.part) h.set(DLQ_HEADERS.part, String(dl.part.index));
  const part = dl.part ? `:${dl.part.index}` : '';
  await js.publish(dl.subject, dl.part?.data ?? msg.data, {
    msgID: `dlq:${msg.info.stream}:${msg.info.streamSequence}:${dl.consumer}${part}`,
    headers: h,
  });
}
