import { Metadata, status } from '@grpc/grpc-js';
import { Status } from '@prism/proto/google/rpc/status';
import { describe, expect, it } from 'vitest';
import {
  Aborted,
  AlreadyExists,
  ERROR_DOMAIN,
  FailedPrecondition,
  InvalidArgument,
  NotFound,
  PermissionDenied,
  ResourceExhausted,
  Unauthenticated,
  Unavailable,
} from './errors.js';
import { readErrorDetails, STATUS_DETAILS_KEY, toServiceError } from './status.js';

describe('toServiceError → readErrorDetails', () => {
  it('sends InvalidArgument as INVALID_ARGUMENT with its field violations in a BadRequest', () => {
    const violations = [
      { field: 'spec.name', description: 'must not be empty' },
      { field: 'spec.target_audience.age_ranges[0].min', description: 'must be at most max' },
    ];
    const error = toServiceError(new InvalidArgument(violations));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toBe(
      'spec.name: must not be empty; spec.target_audience.age_ranges[0].min: must be at most max',
    );
    expect(readErrorDetails(error)).toEqual({ fieldViolations: violations, preconditionReasons: [] });
  });

  it('sends the first ten violations of many, shortened, so the trailers stay within 8 KB (found by fuzzing AddMembers)', () => {
    const violations = Array.from({ length: 2_000 }, (_, i) => ({
      field: `identifiers[${i}]`,
      description: `"${'x'.repeat(300)}" is neither a profile id nor type:value`,
    }));
    const error = toServiceError(new InvalidArgument(violations));
    const { fieldViolations } = readErrorDetails(error);
    expect(fieldViolations.map(({ field }) => field)).toEqual(
      violations.slice(0, 10).map(({ field }) => field),
    );
    expect(fieldViolations.at(-1)?.description).toMatch(/… \(and 1990 more invalid fields\)$/);
    const trailer = error.metadata.get(STATUS_DETAILS_KEY)[0] as Buffer;
    expect(trailer.length * (4 / 3) + error.details.length).toBeLessThan(8 * 1024);
  });

  it('sends FailedPrecondition with its reason as ErrorInfo and PreconditionFailure', () => {
    const error = toServiceError(new FailedPrecondition('STRATEGY_NOT_SELECTED', 'Select a strategy first.'));
    expect(error.code).toBe(status.FAILED_PRECONDITION);
    expect(error.details).toBe('Select a strategy first.');
    expect(readErrorDetails(error)).toEqual({
      fieldViolations: [],
      preconditionReasons: ['STRATEGY_NOT_SELECTED'],
      errorInfo: { reason: 'STRATEGY_NOT_SELECTED', domain: ERROR_DOMAIN, metadata: {} },
    });
  });

  it.each([
    [new NotFound('campaign', 'c_1'), status.NOT_FOUND, 'campaign "c_1" not found'],
    [new AlreadyExists('strategy', 's_1'), status.ALREADY_EXISTS, 'strategy "s_1" already exists'],
  ])('sends %s with the resource in ResourceInfo', (thrown, code, message) => {
    const error = toServiceError(thrown);
    expect(error).toMatchObject({ code, details: message });
    expect(readErrorDetails(error).resourceInfo).toEqual({
      resourceType: thrown.resource,
      resourceName: thrown.id,
      owner: '',
      description: message,
    });
  });

  it('sends ResourceExhausted with the wait in a RetryInfo', () => {
    const error = toServiceError(new ResourceExhausted(1_250));
    expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error.details).toBe("the space's request rate limit is exhausted; retry in 1250 ms");
    expect(readErrorDetails(error)).toEqual({
      fieldViolations: [],
      preconditionReasons: [],
      retryDelayMs: 1_250,
    });
    const [detail] = Status.decode(error.metadata.get(STATUS_DETAILS_KEY)[0] as Buffer).details;
    expect(detail?.typeUrl).toBe('type.googleapis.com/google.rpc.RetryInfo');
  });

  it.each([
    [new Aborted('stale epoch 3, campaign is at 4'), status.ABORTED],
    [new Unauthenticated('missing API key'), status.UNAUTHENTICATED],
    [new PermissionDenied('key not valid for space "globex"'), status.PERMISSION_DENIED],
    [new Unavailable('strategy', '127.0.0.1:50051', 'connect ECONNREFUSED'), status.UNAVAILABLE],
  ])('sends %s with its code and description', (thrown, code) => {
    const error = toServiceError(thrown);
    expect(error).toMatchObject({ code, details: thrown.message });
    expect(readErrorDetails(error)).toEqual({ fieldViolations: [], preconditionReasons: [] });
  });

  it.each([new Error('connection string mongodb://user:secret@db'), 'a thrown string', undefined])(
    'answers INTERNAL without leaking anything for %s',
    (thrown) => {
      const error = toServiceError(thrown);
      expect(error).toMatchObject({ code: status.INTERNAL, details: 'internal error' });
      expect(Status.decode(error.metadata.get(STATUS_DETAILS_KEY)[0] as Buffer)).toEqual({
        code: status.INTERNAL,
        message: 'internal error',
        details: [],
      });
    },
  );
});

describe('the status trailer', () => {
  it('is a google.rpc.Status whose details use type.googleapis.com type URLs', () => {
    const error = toServiceError(
      new FailedPrecondition('APPROACH_UNAVAILABLE', 'The strategy has no personas.'),
    );
    const decoded = Status.decode(error.metadata.get(STATUS_DETAILS_KEY)[0] as Buffer);
    expect(decoded.code).toBe(status.FAILED_PRECONDITION);
    expect(decoded.message).toBe('The strategy has no personas.');
    expect(decoded.details.map((detail) => detail.typeUrl)).toEqual([
      'type.googleapis.com/google.rpc.ErrorInfo',
      'type.googleapis.com/google.rpc.PreconditionFailure',
    ]);
  });

  it('reads as no details when a server sent none', () => {
    expect(readErrorDetails({ metadata: new Metadata() })).toEqual({
      fieldViolations: [],
      preconditionReasons: [],
    });
  });
});

describe('PrismError', () => {
  it('is a real Error named after its class', () => {
    const error = new NotFound('strategy', 's_9');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('NotFound');
    expect(error.stack).toContain('NotFound: strategy "s_9" not found');
  });
});
