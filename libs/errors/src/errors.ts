import { status } from '@grpc/grpc-js';
import type { Any } from '@prism/proto/google/protobuf/any';
import {
  BadRequest,
  ErrorInfo,
  PreconditionFailure,
  ResourceInfo,
  RetryInfo,
} from '@prism/proto/google/rpc/error_details';
import type { FailureReason } from './failure-reasons.js';

/** `ErrorInfo.domain` of every error Prism raises. */
export const ERROR_DOMAIN = 'prism';

export interface FieldViolation {
  /** Proto field path in snake_case, e.g. `spec.target_audience.age_ranges[0].min`. */
  field: string;
  description: string;
}

/**
 * A failure the caller can act on. Handlers throw these; the gRPC layer maps each to its status code
 * and `google.rpc` details in one place (`toServiceError`), so domain code never touches gRPC statuses.
 */
export abstract class PrismError extends Error {
  abstract readonly grpcCode: status;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }

  /** `google.rpc` detail messages (packed in `Any`) sent in the `grpc-status-details-bin` trailer. */
  details(): Any[] {
    return [];
  }
}

// A status whose trailers pass grpc-js's 8 KB metadata limit never reaches the client, which then
// waits out its deadline: a request with thousands of bad fields is answered with the first few.
const VIOLATIONS_SENT = 10;
const DESCRIPTION_SENT = 100;

/** The violations a status carries: the first few, shortened, the last one saying how many more. */
function violationsSent(violations: readonly FieldViolation[]): FieldViolation[] {
  const sent = violations.slice(0, VIOLATIONS_SENT).map(({ field, description }) => ({
    field,
    description:
      description.length > DESCRIPTION_SENT ? `${description.slice(0, DESCRIPTION_SENT)}…` : description,
  }));
  const more = violations.length - sent.length;
  const last = sent.at(-1);
  if (last && more > 0) last.description += ` (and ${more} more invalid fields)`;
  return sent;
}

export class InvalidArgument extends PrismError {
  readonly grpcCode = status.INVALID_ARGUMENT;

  constructor(readonly violations: readonly FieldViolation[]) {
    super(
      violationsSent(violations)
        .map(({ field, description }) => (field ? `${field}: ${description}` : description))
        .join('; '),
    );
  }

  override details(): Any[] {
    const fieldViolations = violationsSent(this.violations).map(({ field, description }) => ({
      field,
      description,
      reason: '',
    }));
    return [pack('google.rpc.BadRequest', BadRequest.encode({ fieldViolations }).finish())];
  }
}

export class NotFound extends PrismError {
  readonly grpcCode = status.NOT_FOUND;

  constructor(
    readonly resource: string,
    readonly id: string,
  ) {
    super(`${resource} ${JSON.stringify(id)} not found`);
  }

  override details(): Any[] {
    return [resourceInfo(this.resource, this.id, this.message)];
  }
}

export class AlreadyExists extends PrismError {
  readonly grpcCode = status.ALREADY_EXISTS;

  constructor(
    readonly resource: string,
    readonly id: string,
  ) {
    super(`${resource} ${JSON.stringify(id)} already exists`);
  }

  override details(): Any[] {
    return [resourceInfo(this.resource, this.id, this.message)];
  }
}

/**
 * Only a reason the service's proto declares (its `<Service>FailureReason` enum); a service names
 * its own, e.g. `new FailedPrecondition<PersonaFailure>(...)`, so it cannot raise another's.
 */
export class FailedPrecondition<Reason extends FailureReason = FailureReason> extends PrismError {
  readonly grpcCode = status.FAILED_PRECONDITION;

  /**
   * @param reason machine-readable UPPER_SNAKE code clients branch on, e.g. `STRATEGY_NOT_SELECTED`
   * @param description human-readable explanation, shown by frontends
   */
  constructor(
    readonly reason: Reason,
    description: string,
  ) {
    super(description);
  }

  override details(): Any[] {
    const violation = { type: this.reason, subject: '', description: this.message };
    return [
      pack(
        'google.rpc.ErrorInfo',
        ErrorInfo.encode({ reason: this.reason, domain: ERROR_DOMAIN, metadata: {} }).finish(),
      ),
      pack(
        'google.rpc.PreconditionFailure',
        PreconditionFailure.encode({ violations: [violation] }).finish(),
      ),
    ];
  }
}

/** A concurrency conflict (stale epoch or version, a lost race): the caller should re-read and retry. */
export class Aborted extends PrismError {
  readonly grpcCode = status.ABORTED;
}

/**
 * A service this one calls cannot be reached or did not answer in time; the caller may retry.
 * Names the dependency and where it was looked for, so an operator knows what to bring up.
 */
export class Unavailable extends PrismError {
  readonly grpcCode = status.UNAVAILABLE;

  constructor(
    readonly dependency: string,
    readonly address: string,
    cause: string,
  ) {
    super(`${dependency} service unavailable at ${address}: ${cause}`);
  }
}

/** The space sent more requests than its rate limit lets through; it may retry after `retryAfterMs`. */
export class ResourceExhausted extends PrismError {
  readonly grpcCode = status.RESOURCE_EXHAUSTED;

  constructor(readonly retryAfterMs: number) {
    super(`the space's request rate limit is exhausted; retry in ${retryAfterMs} ms`);
  }

  override details(): Any[] {
    const retryDelay = {
      seconds: Math.floor(this.retryAfterMs / 1000),
      nanos: (this.retryAfterMs % 1000) * 1_000_000,
    };
    return [pack('google.rpc.RetryInfo', RetryInfo.encode({ retryDelay }).finish())];
  }
}

export class Unauthenticated extends PrismError {
  readonly grpcCode = status.UNAUTHENTICATED;
}

export class PermissionDenied extends PrismError {
  readonly grpcCode = status.PERMISSION_DENIED;
}

function resourceInfo(resourceType: string, resourceName: string, description: string): Any {
  const info = { resourceType, resourceName, owner: '', description };
  return pack('google.rpc.ResourceInfo', ResourceInfo.encode(info).finish());
}

function pack(typeName: string, value: Uint8Array): Any {
  return { typeUrl: `type.googleapis.com/${typeName}`, value: Buffer.from(value) };
}
