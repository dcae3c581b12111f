import { Metadata, type ServiceError, type StatusObject, status } from '@grpc/grpc-js';
import type { Any } from '@prism/proto/google/protobuf/any';
import {
  BadRequest,
  ErrorInfo,
  PreconditionFailure,
  ResourceInfo,
  RetryInfo,
} from '@prism/proto/google/rpc/error_details';
import { Status } from '@prism/proto/google/rpc/status';
import { type FieldViolation, PrismError } from './errors.js';

/** The trailer gRPC's richer error model travels in (a serialized `google.rpc.Status`). */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

export type ServiceErrorResponse = Partial<StatusObject> & {
  code: status;
  details: string;
  metadata: Metadata;
};

/**
 * Maps anything a handler threw to the status a grpc-js callback sends. Only PrismErrors speak to the
 * caller; anything else is a bug on our side and answers a generic INTERNAL, so no message or stack leaks.
 */
export function toServiceError(error: unknown): ServiceErrorResponse {
  const [code, message, details] =
    error instanceof PrismError
      ? [error.grpcCode, error.message, error.details()]
      : [status.INTERNAL, 'internal error', []];
  const metadata = new Metadata();
  metadata.set(STATUS_DETAILS_KEY, Buffer.from(Status.encode({ code, message, details }).finish()));
  return { code, details: message, metadata };
}

export interface ErrorDetails {
  fieldViolations: FieldViolation[];
  /** `PreconditionFailure` violation types, e.g. `STRATEGY_NOT_SELECTED`. */
  preconditionReasons: string[];
  errorInfo?: ErrorInfo;
  resourceInfo?: ResourceInfo;
  /** From `RetryInfo`: how long the server asks the client to wait before retrying. */
  retryDelayMs?: number;
}

/** Decodes the `google.rpc` details of an error a client received; empty when the trailer is absent. */
export function readErrorDetails(error: Pick<ServiceError, 'metadata'>): ErrorDetails {
  const result: ErrorDetails = { fieldViolations: [], preconditionReasons: [] };
  const [trailer] = error.metadata?.get(STATUS_DETAILS_KEY) ?? [];
  if (!Buffer.isBuffer(trailer)) return result;
  for (const detail of Status.decode(trailer).details) decodeInto(result, detail);
  return result;
}

function decodeInto(result: ErrorDetails, { typeUrl, value }: Any): void {
  // Any's type URL is "<prefix>/<full.type.Name>"; only the name identifies the type.
  switch (typeUrl.slice(typeUrl.lastIndexOf('/') + 1)) {
    case 'google.rpc.BadRequest':
      for (const { field, description } of BadRequest.decode(value).fieldViolations) {
        result.fieldViolations.push({ field, description });
      }
      break;
    case 'google.rpc.PreconditionFailure':
      for (const violation of PreconditionFailure.decode(value).violations) {
        result.preconditionReasons.push(violation.type);
      }
      break;
    case 'google.rpc.ErrorInfo':
      result.errorInfo = ErrorInfo.decode(value);
      break;
    case 'google.rpc.ResourceInfo':
      result.resourceInfo = ResourceInfo.decode(value);
      break;
    case 'google.rpc.RetryInfo': {
      const { seconds = 0, nanos = 0 } = RetryInfo.decode(value).retryDelay ?? {};
      result.retryDelayMs = seconds * 1000 + Math.round(nanos / 1_000_000);
      break;
    }
  }
}
