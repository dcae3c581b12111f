import { pooledRandomBytes } from './random-pool.js';

export interface TraceParent {
  traceId: string;
  spanId: string;
}

// W3C Trace Context, version 00: version-traceid-parentid-flags, lowercase hex only.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
const TRACE_ID = /^[0-9a-f]{32}$/;
const ALL_ZEROS = /^0+$/;

/** Parses a `traceparent` header; anything not strictly valid is `undefined` (the caller starts a new trace). */
export function parseTraceparent(header: string | undefined): TraceParent | undefined {
  const match = header === undefined ? null : TRACEPARENT.exec(header);
  if (!match) return undefined;
  const [, traceId = '', spanId = ''] = match;
  if (ALL_ZEROS.test(traceId) || ALL_ZEROS.test(spanId)) return undefined;
  return { traceId, spanId };
}

/** A header for a new span: in trace `traceId` when given (continuing a caller's trace), else a new trace. */
export function newTraceparent(traceId: string = newTraceId()): string {
  if (!TRACE_ID.test(traceId) || ALL_ZEROS.test(traceId))
    throw new TypeError(`invalid trace id "${traceId}"`);
  // Flags 01 (sampled): every request is recorded, in the logs at least.
  return `00-${traceId}-${randomId(8)}-01`;
}

export function newTraceId(): string {
  return randomId(16);
}

function randomId(bytes: number): string {
  let id: string;
  // All zeros is the spec's "invalid" value; redraw in that (astronomically rare) case.
  do id = Buffer.from(pooledRandomBytes(bytes)).toString('hex');
  while (ALL_ZEROS.test(id));
  return id;
}
