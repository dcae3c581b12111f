/**
 * The failures a Prism service answers with, as errors domain code throws: each maps to its gRPC
 * status and `google.rpc` details in one place, and a client reads those details back.
 *
 * Main entry points: the `PrismError` classes (`InvalidArgument`, `NotFound`, `FailedPrecondition`
 * with the reasons each service's proto declares, `Aborted`, …), `toServiceError` for the server
 * side, `readErrorDetails` for the client side, and `fieldViolationsFromZod` / `protoFieldPath`
 * to report invalid request fields by their proto path.
 *
 * @module
 */
export {
  Aborted,
  AlreadyExists,
  FailedPrecondition,
  type FieldViolation,
  InvalidArgument,
  NotFound,
  PermissionDenied,
  PrismError,
  ResourceExhausted,
  Unauthenticated,
  Unavailable,
} from './errors.js';
export type {
  AudienceFailure,
  DestinationFailure,
  FailureReason,
  PersonaFailure,
  ProfileFailure,
  SegmentGenerationFailure,
  StrategyFailure,
} from './failure-reasons.js';
export { readErrorDetails, toServiceError } from './status.js';
export { fieldViolationsFromZod, protoFieldPath } from './zod.js';
