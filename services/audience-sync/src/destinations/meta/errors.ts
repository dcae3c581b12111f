import { z } from 'zod';

/**
 * Graph API error codes that mean "too many calls, wait": application (4), user (17), API-specific
 * (613), and the business-use-case limits of custom audiences (80003) and ads management (80004).
 */
export const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([4, 17, 613, 80003, 80004]);

/** Graph API codes Meta documents as temporary: unknown error (1), service unavailable (2). */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([1, 2]);

/** The `error` object of a Graph API failure, as Meta sends it. */
export const graphErrorSchema = z.object({
  message: z.string(),
  type: z.string().optional(),
  code: z.number(),
  error_subcode: z.number().optional(),
  error_user_title: z.string().optional(),
  error_user_msg: z.string().optional(),
  is_transient: z.boolean().optional(),
  fbtrace_id: z.string().optional(),
});
export type GraphError = z.infer<typeof graphErrorSchema>;

const graphFailureSchema = z.object({ error: graphErrorSchema });

/** A request Meta refused (or a failure page in front of it), with what Meta said about it. */
export class MetaApiError extends Error {
  /** Meta's own message, e.g. "Invalid OAuth access token - Cannot parse access token". */
  readonly metaMessage: string;
  readonly code: number | undefined;
  readonly subcode: number | undefined;
  readonly type: string | undefined;
  /** The id Meta's support asks for. */
  readonly fbtraceId: string | undefined;
  /** The message Meta suggests showing the advertiser, when it gives one. */
  readonly userMessage: string | undefined;
  readonly httpStatus: number;
  readonly transient: boolean;

  /** `error` without a code: a failure that did not come from the Graph API itself. */
  constructor(httpStatus: number, error: Partial<GraphError> & Pick<GraphError, 'message'>) {
    const code = error.code === undefined ? `HTTP ${httpStatus}` : `error ${error.code}`;
    const subcode = error.error_subcode === undefined ? '' : `/${error.error_subcode}`;
    const user = error.error_user_msg ? ` — ${error.error_user_msg}` : '';
    const trace = error.fbtrace_id ? ` (fbtrace_id ${error.fbtrace_id})` : '';
    super(`Meta Graph API ${code}${subcode}: ${error.message}${user}${trace}`);
    this.name = 'MetaApiError';
    this.metaMessage = error.message;
    this.code = error.code;
    this.subcode = error.error_subcode;
    this.type = error.type;
    this.fbtraceId = error.fbtrace_id;
    this.userMessage = error.error_user_msg;
    this.httpStatus = httpStatus;
    this.transient =
      error.is_transient === true || (error.code !== undefined && TRANSIENT_CODES.has(error.code));
  }

  /** Meta throttled the call: waiting and sending the same request again is the answer. */
  get rateLimited(): boolean {
    return this.code !== undefined && RATE_LIMIT_CODES.has(this.code);
  }
}

/**
 * The error of a failed response: Meta's `error` object when the body has one, else (a proxy's
 * page, a bare 5xx) the HTTP status and the start of the body, transient for 5xx and 429.
 */
export function metaApiErrorOf(httpStatus: number, body: unknown, text: string): MetaApiError {
  const failure = graphFailureSchema.safeParse(body);
  if (failure.success) return new MetaApiError(httpStatus, failure.data.error);
  return new MetaApiError(httpStatus, {
    message: `no Graph API error in the answer: ${text.trim().slice(0, 200) || 'empty body'}`,
    is_transient: httpStatus >= 500 || httpStatus === 429,
  });
}
