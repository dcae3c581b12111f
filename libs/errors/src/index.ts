export {
  Aborted,
  AlreadyExists,
  ERROR_DOMAIN,
  FailedPrecondition,
  type FieldViolation,
  InvalidArgument,
  NotFound,
  PermissionDenied,
  PrismError,
  Unauthenticated,
  Unavailable,
} from './errors.js';
export type {
  FailureReason,
  PersonaFailure,
  ProfileFailure,
  SegmentGenerationFailure,
  StrategyFailure,
} from './failure-reasons.js';
export {
  type ErrorDetails,
  readErrorDetails,
  type ServiceErrorResponse,
  STATUS_DETAILS_KEY,
  toServiceError,
} from './status.js';
export { fieldViolationsFromZod, protoFieldPath } from './zod.js';
