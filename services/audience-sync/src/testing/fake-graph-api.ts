import { hash, randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GraphError } from '../destinations/meta/errors.js';
import { parseJson } from '../destinations/meta/graph-request.js';
import {
  MAX_ROWS_PER_REQUEST,
  type MetaKey,
  type ReplaceSession,
  replaceSessionSchema,
  rowProblem,
  usersPayloadSchema,
} from '../destinations/meta/schema.js';

/**
 * The Graph API's custom-audience edges on 127.0.0.1, strict where Meta is: access token, multi-key
 * schemas, hashes (64 lowercase hex; EXTERN_ID and MADID never hashed), at most 10,000 rows a
 * request, `usersreplace` sessions (`batch_seq` from 1 without gaps, the last flagged; the last
 * batch sent again is a retry). It keeps members, records requests, counts a row sent twice in a
 * session as a violation, and can be told to throttle, fail or be slow. Form-encoded bodies only.
 */

export type GraphOperation = 'create' | 'add' | 'remove' | 'replace';

/** A request as received; `errorCode` is the Graph error it was refused with. */
export interface GraphRequestRecord {
  operation: GraphOperation | 'unknown';
  method: string;
  path: string;
  audienceId?: string;
  rows: number;
  session?: ReplaceSession;
  errorCode?: number;
  at: number;
}

export type InjectedError = Pick<GraphError, 'code'> & Partial<GraphError> & { httpStatus?: number };

const RATE_LIMIT_MESSAGES: Readonly<Record<number, string>> = {
  4: 'Application request limit reached',
  17: 'User request limit reached',
  613: 'Calls to this api have exceeded the rate limit.',
  80003: 'There have been too many calls to this ad-account. Wait a bit and try again.',
  80004: 'There have been too many calls to this ad-account. Wait a bit and try again.',
};

interface OpenSession {
  params: ReplaceSession;
  rows: Set<string>;
  lastBatch: string;
}

interface FakeAudience {
  members: Set<string>;
  session?: OpenSession;
}

/** A refused request: the HTTP status and the Graph `error` object answered. */
class Refusal extends Error {
  constructor(
    readonly httpStatus: number,
    readonly error: InjectedError,
  ) {
    super(error.message);
  }
}

const invalid = (message: string) => new Refusal(400, { code: 100, type: 'OAuthException', message });
const missingObject = (id: string) =>
  new Refusal(400, {
    code: 100,
    error_subcode: 33,
    type: 'GraphMethodException',
    message: `Unsupported post request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
  });

/** A member's identity: its non-empty values by key, so rows of different schemas compare. */
export const memberKey = (schema: readonly MetaKey[], row: readonly string[]): string =>
  schema
    .flatMap((key, index) => (row[index] ? [`${key}=${row[index]}`] : []))
    .sort()
    .join('|');

export class FakeGraphApi {
  readonly requests: GraphRequestRecord[] = [];
  /** What a correct client never does: rows sent twice in a session, refused payloads. */
  readonly violations: string[] = [];
  private readonly audiences = new Map<string, FakeAudience>();
  /** Each ended session's last batch, so a retry of that batch is still taken. */
  private readonly finishedSessions = new Map<number, string>();
  private readonly injected: InjectedError[] = [];
  private latencyMs = 0;

  private constructor(
    private readonly server: Server,
    readonly accessToken: string,
  ) {}

  static async start(accessToken = `EAAB${randomBytes(12).toString('hex')}`): Promise<FakeGraphApi> {
    const server = createServer();
    const fake = new FakeGraphApi(server, accessToken);
    server.on('request', (request, response) => void fake.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The Graph API root as the client is configured with it. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v21.0`;
  }

  /** An audience created outside the client (a destination given an existing audience id). */
  createAudience(): string {
    const id = String(randomInt(2 ** 47, 2 ** 48));
    this.audiences.set(id, { members: new Set() });
    return id;
  }

  members(audienceId: string): ReadonlySet<string> {
    return this.audiences.get(audienceId)?.members ?? new Set();
  }

  /** The next `count` requests are refused with this error, before anything else is checked. */
  failNext(count: number, error: InjectedError): void {
    for (let index = 0; index < count; index += 1) this.injected.push(error);
  }

  rateLimitNext(count: number, code: keyof typeof RATE_LIMIT_MESSAGES = 17): void {
    this.failNext(count, { code, type: 'OAuthException', message: RATE_LIMIT_MESSAGES[code] ?? '' });
  }

  /** Every answer waits this long (0 = at once); the request itself is applied at once. */
  slow(latencyMs: number): void {
    this.latencyMs = latencyMs;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const params = new URLSearchParams(Buffer.concat(await request.toArray()).toString('utf8'));
    for (const [name, value] of url.searchParams) if (!params.has(name)) params.set(name, value);
    const record = recordOf(request.method ?? '', url.pathname, params);
    this.requests.push(record);
    const [status, body] = this.outcome(record, params);
    await sleep(this.latencyMs);
    response
      .writeHead(status, { 'content-type': 'application/json; charset=UTF-8' })
      .end(JSON.stringify(body));
  }

  private outcome(record: GraphRequestRecord, params: URLSearchParams): [number, object] {
    try {
      return [200, this.serve(record, params)];
    } catch (caught) {
      // A fault of the fake itself: a plain refusal, so no client retries it, and a violation.
      const error =
        caught instanceof Refusal ? caught : new Refusal(500, { code: 100, message: String(caught) });
      if (!(caught instanceof Refusal)) this.violations.push(`the fake failed: ${String(caught)}`);
      record.errorCode = error.error.code;
      const { httpStatus = error.httpStatus, ...graphError } = error.error;
      return [httpStatus, { error: { ...graphError, fbtrace_id: randomBytes(8).toString('base64url') } }];
    }
  }

  private serve(record: GraphRequestRecord, params: URLSearchParams): object {
    const failure = this.injected.shift();
    if (failure) throw new Refusal(failure.httpStatus ?? 400, failure);
    if (params.get('access_token') !== this.accessToken)
      throw new Refusal(400, {
        code: 190,
        type: 'OAuthException',
        message: 'Invalid OAuth access token - Cannot parse access token',
      });
    const [version, target = '', , ...rest] = record.path.split('/').slice(1);
    if (!/^v\d+\.\d+$/.test(version ?? '') || rest.length > 0 || record.operation === 'unknown')
      throw invalid(`Unsupported ${record.method} request to ${record.path}`);
    if (record.operation === 'create') return this.create(target, params);
    return this.changeMembers(record.operation, target, params);
  }

  private create(account: string, params: URLSearchParams): object {
    if (!/^act_\d+$/.test(account)) throw invalid(`Unsupported post request to ${account}`);
    const expected = { subtype: 'CUSTOM', customer_file_source: 'USER_PROVIDED_ONLY' };
    for (const [name, value] of Object.entries(expected))
      if (params.get(name) !== value) throw invalid(`${name} must be ${value} for a customer file audience`);
    if (!params.get('name')) throw invalid('The parameter name is required');
    return { id: this.createAudience() };
  }

  private changeMembers(
    kind: Exclude<GraphOperation, 'create'>,
    audienceId: string,
    params: URLSearchParams,
  ): object {
    const audience = this.audiences.get(audienceId);
    if (!audience) throw missingObject(audienceId);
    const rows = this.rowsOf(params);
    if (kind === 'add') for (const row of rows) audience.members.add(row);
    if (kind === 'remove') for (const row of rows) audience.members.delete(row);
    const sessionId = kind === 'replace' ? this.replace(audience, rows, params) : randomInt(2 ** 40);
    const counts = { num_received: rows.length, num_invalid_entries: 0, invalid_entry_samples: {} };
    return { audience_id: audienceId, session_id: String(sessionId), ...counts };
  }

  /** The payload's rows as member keys, refused unless every value is in the form Meta takes. */
  private rowsOf(params: URLSearchParams): string[] {
    const parsed = usersPayloadSchema.safeParse(parseJson(params.get('payload')));
    if (!parsed.success) {
      const [issue] = parsed.error.issues;
      return this.refuse(
        `payload must be {schema: [keys], data: [[values]]}: ${issue?.path.join('.')} ${issue?.message}`,
      );
    }
    const { schema, data } = parsed.data;
    if (new Set(schema).size !== schema.length) this.refuse('payload.schema repeats a key');
    if (data.length === 0 || data.length > MAX_ROWS_PER_REQUEST)
      this.refuse(`payload.data must hold 1 to ${MAX_ROWS_PER_REQUEST} rows, got ${data.length}`);
    return data.map((row, index) => {
      const problem = rowProblem(schema, row);
      if (problem) this.refuse(`row ${index} ${problem}: ${JSON.stringify(row)}`);
      return memberKey(schema, row);
    });
  }

  /** One batch of a replace session; the last one makes the session's rows the members. */
  private replace(audience: FakeAudience, rows: string[], params: URLSearchParams): number {
    const parsed = replaceSessionSchema.safeParse(parseJson(params.get('session')));
    if (!parsed.success)
      return this.refuse(`session must be {session_id, batch_seq, last_batch_flag, estimated_num_total}`);
    const session = parsed.data;
    const batch = hash('sha256', params.get('payload') ?? '', 'hex');
    const ended = this.finishedSessions.get(session.session_id);
    if (ended === batch) return session.session_id;
    if (ended !== undefined) this.refuse(`session ${session.session_id} has already ended`);
    const open = this.sessionFor(audience, session);
    if (session.batch_seq === open.params.batch_seq && batch === open.lastBatch) return session.session_id;
    if (session.batch_seq !== open.params.batch_seq + 1)
      this.refuse(
        `batch_seq ${session.batch_seq} follows ${open.params.batch_seq} in session ${session.session_id}`,
      );
    if (session.estimated_num_total !== open.params.estimated_num_total)
      this.refuse('estimated_num_total changed within the session');
    for (const row of rows) {
      if (open.rows.has(row)) this.violations.push(`session ${session.session_id}: row sent twice: ${row}`);
      open.rows.add(row);
    }
    Object.assign(open, { params: session, lastBatch: batch });
    if (session.last_batch_flag) {
      audience.members = open.rows;
      audience.session = undefined;
      this.finishedSessions.set(session.session_id, batch);
    }
    return session.session_id;
  }

  /** The audience's open session, or a new one when this batch starts one (an unfinished one is dropped). */
  private sessionFor(audience: FakeAudience, session: ReplaceSession): OpenSession {
    if (audience.session?.params.session_id === session.session_id) return audience.session;
    if (session.batch_seq !== 1) this.refuse(`session ${session.session_id} must start at batch_seq 1`);
    audience.session = { params: { ...session, batch_seq: 0 }, rows: new Set(), lastBatch: '' };
    return audience.session;
  }

  private refuse(message: string): never {
    this.violations.push(message);
    throw invalid(message);
  }
}

const OPERATIONS: Readonly<Record<string, GraphOperation>> = {
  'POST customaudiences': 'create',
  'POST users': 'add',
  'DELETE users': 'remove',
  'POST usersreplace': 'replace',
};

/** What a request asked for, read leniently: it is recorded whether or not it is answered. */
function recordOf(method: string, path: string, params: URLSearchParams): GraphRequestRecord {
  const [, target, edge] = path.split('/').slice(1);
  const operation = OPERATIONS[`${method} ${edge}`] ?? 'unknown';
  const data = (parseJson(params.get('payload')) as { data?: unknown } | undefined)?.data;
  const session = replaceSessionSchema.safeParse(parseJson(params.get('session'))).data;
  return {
    operation,
    method,
    path,
    ...(operation === 'create' || operation === 'unknown' ? {} : { audienceId: target }),
    rows: Array.isArray(data) ? data.length : 0,
    ...(session ? { session } : {}),
    at: Date.now(),
  };
}
