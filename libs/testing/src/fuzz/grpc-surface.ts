import { createFileRegistry, type DescMessage, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { type Client, type Metadata, type StatusObject, status } from '@grpc/grpc-js';
import { descriptorSet } from '@prism/proto';

/** A gRPC method as the proto files declare it. */
export interface GrpcMethod {
  /** `/package.Service/Method`, as on the wire. */
  path: string;
  input: DescMessage;
  serverStreaming: boolean;
}

const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptorSet()));

/** Every method of every service of a proto package: a method added to the proto is fuzzed too. */
export function grpcMethodsOf(protoPackage: string): GrpcMethod[] {
  const methods: GrpcMethod[] = [];
  for (const type of registry) {
    if (type.kind !== 'service' || !type.typeName.startsWith(`${protoPackage}.`)) continue;
    for (const method of type.methods) {
      methods.push({
        path: `/${type.typeName}/${method.name}`,
        input: method.input,
        serverStreaming: method.methodKind === 'server_streaming',
      });
    }
  }
  return methods;
}

/** How a call ended: its status, with the trailers the error details travel in. */
export type CallOutcome = Pick<StatusObject, 'code' | 'details' | 'metadata'>;

const asIs = (bytes: Buffer) => bytes;
const CALL_DEADLINE_MS = 20_000;
// A stream that answers this many messages has accepted the request; the rest is not read.
const STREAM_MESSAGES_READ = 3;

/** Sends `bytes` as the request of `method` through any client, whatever its own service is. */
export function callWithBytes(
  client: Client,
  method: GrpcMethod,
  bytes: Uint8Array,
  metadata: Metadata,
): Promise<CallOutcome> {
  const request = Buffer.from(bytes);
  const options = { deadline: Date.now() + CALL_DEADLINE_MS };
  if (!method.serverStreaming) {
    return new Promise((resolve) =>
      client.makeUnaryRequest(method.path, asIs, asIs, request, metadata, options, (error) =>
        resolve(error ?? { code: status.OK, details: '', metadata }),
      ),
    );
  }
  return new Promise((resolve) => {
    const call = client.makeServerStreamRequest(method.path, asIs, asIs, request, metadata, options);
    let received = 0;
    call.on('data', () => {
      if (++received === STREAM_MESSAGES_READ) call.cancel();
    });
    call.on('error', () => {}); // the status says it all
    call.on('status', (end: StatusObject) =>
      resolve(
        end.code === status.CANCELLED && received >= STREAM_MESSAGES_READ ? { ...end, code: status.OK } : end,
      ),
    );
  });
}
