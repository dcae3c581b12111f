import {
  createFileRegistry,
  type DescMessage,
  fromBinary,
  type Message,
  type Registry,
  ScalarType,
} from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type {
  MethodDefinition,
  ServerUnaryCall,
  ServerWritableStream,
  ServiceDefinition,
  sendUnaryData,
} from '@grpc/grpc-js';
import { type FieldViolation, InvalidArgument, toServiceError } from '@prism/errors';

/** What a request whose bytes did not decode becomes, so the handler wrapper can refuse it. */
class UndecodableRequest {
  constructor(readonly violation: FieldViolation) {}
}

/**
 * grpc-js answers a request its deserializer throws on with INTERNAL, as if the server had failed;
 * bytes that are not the method's message are the caller's fault. Each method here decodes into an
 * `UndecodableRequest` instead of throwing, which `refusedUndecodable` answers as INVALID_ARGUMENT,
 * naming the field when the descriptors tell which (an int64 beyond what a JS number holds).
 */
export function decodingWithoutThrowing<D extends ServiceDefinition>(
  definition: D,
  descriptors: Registry,
): D {
  const methods = Object.entries(definition).map(
    ([name, method]: [string, MethodDefinition<unknown, unknown>]) => {
      const requestDeserialize = (bytes: Buffer) => {
        try {
          return method.requestDeserialize(bytes);
        } catch (error) {
          return new UndecodableRequest(violationOf(method.path, bytes, error, descriptors));
        }
      };
      return [name, { ...method, requestDeserialize }];
    },
  );
  return Object.fromEntries(methods) as D;
}

export const descriptorRegistry = (descriptorSet: Uint8Array) =>
  createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptorSet));

type IncomingCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>;

/** Answers INVALID_ARGUMENT and returns true when the call's request did not decode. */
export function refusedUndecodable(call: IncomingCall, callback: unknown): boolean {
  if (!(call.request instanceof UndecodableRequest)) return false;
  const refusal = toServiceError(new InvalidArgument([call.request.violation]));
  if (typeof callback === 'function') (callback as sendUnaryData<unknown>)(refusal);
  else call.emit('error', refusal);
  return true;
}

function violationOf(path: string, bytes: Buffer, error: unknown, descriptors: Registry): FieldViolation {
  const input = inputOf(path, descriptors);
  const field = input && unsafeIntegerField(input, bytes);
  if (field) return { field, description: 'must be a safe integer (at most 2^53 - 1 in magnitude)' };
  // RangeError "Maximum call stack size exceeded" is a message nested too deeply to decode.
  const problem = error instanceof Error ? error.message : String(error);
  return { field: '', description: `the request is not a ${path} request message: ${problem}` };
}

function inputOf(path: string, descriptors: Registry): DescMessage | undefined {
  const [, service = '', method] = path.split('/');
  return descriptors.getService(service)?.methods.find((candidate) => candidate.name === method)?.input;
}

const INT64_TYPES = new Set([
  ScalarType.INT64,
  ScalarType.UINT64,
  ScalarType.SINT64,
  ScalarType.FIXED64,
  ScalarType.SFIXED64,
]);

/** The path of the first 64-bit integer field the generated code cannot hold as a number. */
function unsafeIntegerField(desc: DescMessage, bytes: Uint8Array): string | undefined {
  try {
    return unsafeIn(desc, fromBinary(desc, bytes), '');
  } catch {
    return undefined; // not even protobuf: no field to name
  }
}

function unsafeIn(desc: DescMessage, message: Message, at: string): string | undefined {
  const values = message as unknown as Record<string, unknown>;
  for (const field of desc.fields) {
    const path = at ? `${at}.${field.name}` : field.name;
    const holder = field.oneof
      ? (values[field.oneof.localName] as { case?: string; value?: unknown })
      : undefined;
    if (holder && holder.case !== field.localName) continue;
    const value = holder ? holder.value : values[field.localName];
    const items = field.fieldKind === 'list' ? (value as unknown[]) : [value];
    const kind = field.fieldKind === 'list' ? field.listKind : field.fieldKind;
    for (const [index, item] of items.entries()) {
      const itemPath = field.fieldKind === 'list' ? `${path}[${index}]` : path;
      if (kind === 'scalar' && field.scalar && INT64_TYPES.has(field.scalar) && !isSafe(item))
        return itemPath;
      if (kind === 'message' && field.message && item !== undefined) {
        const found = unsafeIn(field.message, item as Message, itemPath);
        if (found) return found;
      }
    }
  }
  return undefined;
}

function isSafe(value: unknown): boolean {
  return (
    typeof value !== 'bigint' ||
    (value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER))
  );
}
