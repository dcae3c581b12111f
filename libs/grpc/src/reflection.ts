import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import type { ServiceDefinition, UntypedHandleCall } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';

type PackageDefinition = ConstructorParameters<typeof ReflectionService>[0];
type ServiceRegistrar = Parameters<ReflectionService['addToServer']>[0];

/** `FileDescriptorSet.file` (google/protobuf/descriptor.proto). */
const FILE_FIELD = 1;

/**
 * Reflection input built from buf's FileDescriptorSet rather than from proto-loader, whose
 * synthesized descriptors rename files per package and drop imports (grpcurl then cannot
 * resolve google.protobuf.Timestamp). @grpc/reflection only reads `fileDescriptorProtos`: each
 * file's bytes are sliced out of the set as they are, without decoding them.
 */
function reflectionRoot(descriptorSet: Uint8Array): PackageDefinition {
  const reader = new BinaryReader(descriptorSet);
  const fileDescriptorProtos: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === FILE_FIELD && wireType === WireType.LengthDelimited)
      fileDescriptorProtos.push(reader.bytes());
    else reader.skip(wireType, field);
  }
  return {
    descriptors: { format: 'buf FileDescriptorSet', fileDescriptorProtos },
  } as unknown as PackageDefinition;
}

/**
 * Adds gRPC reflection (v1 and v1alpha) whose descriptors are parsed on the first reflection
 * call: @grpc/reflection parses every file of the set once per version when built, a quarter of
 * a second of each service's start on a busy machine, for a call that tools make now and then.
 */
export function addReflection(server: ServiceRegistrar, descriptorSet: Uint8Array): void {
  let handlers: Map<string, UntypedHandleCall> | undefined;
  const handlerOf = (path: string) => {
    if (!handlers) {
      const built = new Map<string, UntypedHandleCall>();
      new ReflectionService(reflectionRoot(descriptorSet)).addToServer({
        addService: (definition, implementation) => {
          for (const [name, handler] of Object.entries(implementation))
            built.set(methodPath(definition, name), handler);
        },
      });
      handlers = built;
    }
    return handlers.get(path) as (call: unknown) => void;
  };
  // The same services over no descriptors (cheap) give the definitions to register now.
  const none = { descriptors: { format: 'none', fileDescriptorProtos: [] } } as unknown as PackageDefinition;
  new ReflectionService(none).addToServer({
    addService: (definition, implementation) => {
      const lazy = Object.fromEntries(
        Object.keys(implementation).map((name) => {
          const path = methodPath(definition, name);
          return [name, ((call: unknown) => handlerOf(path)(call)) as UntypedHandleCall];
        }),
      );
      server.addService(definition, lazy);
    },
  });
}

// biome-ignore lint/suspicious/noExplicitAny: grpc-js's own definitions are typed this loosely.
const methodPath = (definition: ServiceDefinition<any>, name: string) =>
  (definition[name] as { path: string }).path;
