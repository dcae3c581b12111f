import type {
  MethodDefinition,
  ServerUnaryCall,
  ServerWritableStream,
  ServiceDefinition,
  sendUnaryData,
} from '@grpc/grpc-js';
import { InvalidArgument, toServiceError } from '@prism/errors';

/** What a request whose bytes did not decode becomes, so the handler wrapper can refuse it. */
class UndecodableRequest {
  constructor(readonly problem: string) {}
}

/**
 * grpc-js answers a request its deserializer throws on with INTERNAL, as if the server had failed;
 * bytes that are not the method's message are the caller's fault. Each method here decodes into an
 * `UndecodableRequest` instead of throwing, which `refusedUndecodable` answers as INVALID_ARGUMENT.
 */
export function decodingWithoutThrowing<D extends ServiceDefinition>(definition: D): D {
  const methods = Object.entries(definition).map(
    ([name, method]: [string, MethodDefinition<unknown, unknown>]) => {
      const requestDeserialize = (bytes: Buffer) => {
        try {
          return method.requestDeserialize(bytes);
        } catch (error) {
          // RangeError "Maximum call stack size exceeded" is a message nested too deeply to decode.
          return new UndecodableRequest(error instanceof Error ? error.message : String(error));
        }
      };
      return [name, { ...method, requestDeserialize }];
    },
  );
  return Object.fromEntries(methods) as D;
}

type IncomingCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>;

/** Answers INVALID_ARGUMENT and returns true when the call's request did not decode. */
export function refusedUndecodable(call: IncomingCall, callback: unknown): boolean {
  if (!(call.request instanceof UndecodableRequest)) return false;
  const refusal = toServiceError(
    new InvalidArgument([
      {
        field: '',
        description: `the request is not a ${call.getPath()} request message: ${call.request.problem}`,
      },
    ]),
  );
  if (typeof callback === 'function') (callback as sendUnaryData<unknown>)(refusal);
  else call.emit('error', refusal);
  return true;
}
