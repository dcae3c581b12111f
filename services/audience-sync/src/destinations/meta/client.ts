import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { batchesOf, type RowBatch, type RowSource } from './batches.js';
import { callGraph, type GraphConnection, type GraphParams } from './graph-request.js';
import { MAX_ROWS_PER_REQUEST, type MetaKey, type ReplaceSession } from './schema.js';

export interface MetaClientOptions extends GraphConnection {
  /** Rows per request, at most Meta's 10,000 (fewer for tests). */
  batchSize?: number;
}

export interface MetaUpload {
  schema: readonly MetaKey[];
  rows: RowSource;
}

export interface ReplaceUpload extends MetaUpload {
  /** `estimated_num_total` of the session; a list's length when not given. */
  estimatedTotal?: number;
}

export type MetaOperation = 'add' | 'remove' | 'replace';

/** One request done: what the caller records as the destination's progress. */
export interface BatchProgress {
  operation: MetaOperation;
  /** 1 for the first request; a replace's `batch_seq`. */
  batch: number;
  rows: number;
  /** Rows sent so far, this batch's included. */
  rowsSent: number;
  /** Meta's counts for this batch. */
  numReceived: number;
  numInvalidEntries: number;
  /** The replace session, for the logs. */
  sessionId?: number;
  last: boolean;
}

export type OnBatch = (progress: BatchProgress) => void | Promise<void>;

export interface UploadResult {
  operation: MetaOperation;
  batches: number;
  rowsSent: number;
  numReceived: number;
  numInvalidEntries: number;
  /** Rows not sent: without any value, or equal to one sent before. */
  rowsSkipped: number;
  sessionId?: number;
}

const usersAnswer = z.object({
  num_received: z.coerce.number().optional(),
  num_invalid_entries: z.coerce.number().optional(),
});

const createdAnswer = z.object({ id: z.coerce.string() });

/** Meta's object ids are decimal; checked so an id never reshapes the request path. */
const graphId = (id: string, what: string): string => {
  if (!/^\d+$/.test(id)) throw new Error(`${what} must be digits, got ${JSON.stringify(id)}`);
  return id;
};

/**
 * A customer-file custom audience on Meta through the Graph API: create it, add and remove
 * people in requests of at most 10,000 rows, or replace everyone through one `usersreplace`
 * session. Rows come normalised and hashed (`metaRow`). Each batch's success is reported to
 * `onBatch` (awaited) before the next is sent.
 */
export class MetaAudienceClient {
  private readonly batchSize: number;

  constructor(private readonly options: MetaClientOptions) {
    this.batchSize = options.batchSize ?? MAX_ROWS_PER_REQUEST;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1 || this.batchSize > MAX_ROWS_PER_REQUEST)
      throw new Error(`batchSize must be 1 to ${MAX_ROWS_PER_REQUEST}, got ${this.batchSize}`);
  }

  /** Creates an empty custom audience of people the advertiser gave (subtype CUSTOM); its id. */
  async createCustomAudience(
    adAccountId: string,
    audience: { name: string; description?: string },
  ): Promise<string> {
    const account = graphId(adAccountId.replace(/^act_/, ''), 'the ad account id');
    const answer = await callGraph(this.options, 'POST', `act_${account}/customaudiences`, {
      name: audience.name,
      subtype: 'CUSTOM',
      customer_file_source: 'USER_PROVIDED_ONLY',
      ...(audience.description ? { description: audience.description } : {}),
    });
    return createdAnswer.parse(answer).id;
  }

  addUsers(audienceId: string, upload: MetaUpload, onBatch?: OnBatch): Promise<UploadResult> {
    return this.upload('add', audienceId, upload, onBatch);
  }

  removeUsers(audienceId: string, upload: MetaUpload, onBatch?: OnBatch): Promise<UploadResult> {
    return this.upload('remove', audienceId, upload, onBatch);
  }

  /**
   * Makes the audience exactly these rows: one session (a fresh `session_id`), `batch_seq` 1, 2, …
   * without gaps, the last batch flagged. A retried batch keeps its `batch_seq`, so no row is sent
   * twice. At least one row is needed (Meta has no empty replace): to empty an audience, remove.
   */
  async replaceUsers(audienceId: string, upload: ReplaceUpload, onBatch?: OnBatch): Promise<UploadResult> {
    const estimatedTotal =
      upload.estimatedTotal ?? (Array.isArray(upload.rows) ? upload.rows.length : undefined);
    if (estimatedTotal === undefined)
      throw new Error('a replace of streamed rows needs their estimatedTotal');
    const session = { id: randomInt(1, 2 ** 48), estimatedTotal };
    const result = await this.upload('replace', audienceId, upload, onBatch, session);
    if (result.batches === 0)
      throw new Error(
        'a replace needs at least one row with a value; to empty an audience, remove its members',
      );
    return result;
  }

  private async upload(
    operation: MetaOperation,
    audienceId: string,
    upload: MetaUpload,
    onBatch: OnBatch | undefined,
    session?: OpenSession,
  ): Promise<UploadResult> {
    const edge = operation === 'replace' ? 'usersreplace' : 'users';
    const path = `${graphId(audienceId, 'the custom audience id')}/${edge}`;
    const method = operation === 'remove' ? 'DELETE' : 'POST';
    const result: UploadResult = {
      operation,
      batches: 0,
      rowsSent: 0,
      numReceived: 0,
      numInvalidEntries: 0,
      rowsSkipped: 0,
      ...(session ? { sessionId: session.id } : {}),
    };
    const skipped = () => {
      result.rowsSkipped += 1;
    };
    for await (const batch of batchesOf(upload.rows, upload.schema, this.batchSize, skipped)) {
      const seq = result.batches + 1;
      const params = {
        payload: { schema: upload.schema, data: batch.rows },
        ...sessionParams(session, seq, batch),
      };
      const answer = usersAnswer.parse(await callGraph(this.options, method, path, params));
      const progress: BatchProgress = {
        operation,
        batch: seq,
        rows: batch.rows.length,
        rowsSent: result.rowsSent + batch.rows.length,
        numReceived: answer.num_received ?? 0,
        numInvalidEntries: answer.num_invalid_entries ?? 0,
        ...(session ? { sessionId: session.id } : {}),
        last: batch.last,
      };
      result.batches = seq;
      result.rowsSent = progress.rowsSent;
      result.numReceived += progress.numReceived;
      result.numInvalidEntries += progress.numInvalidEntries;
      await onBatch?.(progress);
    }
    return result;
  }
}

/** The replace session a batch belongs to. */
interface OpenSession {
  id: number;
  estimatedTotal: number;
}

/** The `session` parameter of a replace batch; nothing for adds and removes. */
function sessionParams(session: OpenSession | undefined, seq: number, batch: RowBatch): GraphParams {
  if (!session) return {};
  const params: ReplaceSession = {
    session_id: session.id,
    batch_seq: seq,
    last_batch_flag: batch.last,
    estimated_num_total: session.estimatedTotal,
  };
  return { session: params };
}
