import { type Client, type Metadata, status } from '@grpc/grpc-js';
import { readErrorDetails } from '@prism/errors';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FuzzTally, fuzzRuns } from './fuzz-runs.js';
import { type CallOutcome, callWithBytes, type GrpcMethod, grpcMethodsOf } from './grpc-surface.js';
import { type RequestInput, requestInputs } from './request-inputs.js';

export interface GrpcFuzzTarget {
  /** Any client connected to the service: methods are called by path, whatever its own service. */
  client: Client;
  /** The callers to be: each input goes with one of them (a space's key, the operator's, none). */
  callers: Metadata[];
}

// The statuses that would say the server, not the request, is at fault (or a method is missing).
const SERVER_FAULTS = [status.INTERNAL, status.UNKNOWN, status.UNIMPLEMENTED, status.DEADLINE_EXCEEDED];

/**
 * Fuzzes every method of every service of `protoPackage` with arbitrary requests (decodable
 * messages with awkward values, and arbitrary bytes), asserting that no call is a server fault and
 * that each INVALID_ARGUMENT names its field; then that the server still answers. Prints the count.
 */
export function fuzzGrpcPackage(
  protoPackage: string,
  target: () => GrpcFuzzTarget,
  runsPerMethod = 20,
): void {
  const methods = grpcMethodsOf(protoPackage);
  const tally = new FuzzTally(`grpc ${protoPackage} (${methods.length} methods)`);
  const numRuns = fuzzRuns(runsPerMethod);

  describe(`fuzz: every gRPC method of ${protoPackage}`, () => {
    afterAll(() => tally.print());

    it.each(methods.map((method) => [method.path, method] as const))('%s', async (_, method) => {
      const { client, callers } = target();
      await fc.assert(
        fc.asyncProperty(requestInputs(method.input), fc.constantFrom(...callers), async (input, caller) => {
          tally.tried();
          expectNoServerFault(await callWithBytes(client, method, input.bytes, caller), input);
        }),
        { numRuns },
      );
    });

    it('still answers once fuzzed', async () => {
      const [method] = methods;
      const { client, callers } = target();
      const outcome = await callWithBytes(
        client,
        method as GrpcMethod,
        new Uint8Array(),
        callers[0] as Metadata,
      );
      expect(outcome.code).not.toBe(status.UNAVAILABLE);
    });
  });
}

function expectNoServerFault(outcome: CallOutcome, input: RequestInput): void {
  const said = `${status[outcome.code]}: ${outcome.details}`;
  expect(SERVER_FAULTS, said).not.toContain(outcome.code);
  if (outcome.code !== status.INVALID_ARGUMENT) return;
  const { fieldViolations } = readErrorDetails(outcome);
  expect(fieldViolations.length, said).toBeGreaterThan(0);
  // A message that decoded is refused field by field; bytes that did not may not have fields.
  if (input.kind === 'message') for (const { field } of fieldViolations) expect(field, said).not.toBe('');
}
