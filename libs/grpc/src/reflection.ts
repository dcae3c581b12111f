import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { ReflectionService } from '@grpc/reflection';

type PackageDefinition = ConstructorParameters<typeof ReflectionService>[0];

/**
 * Reflection input built from buf's FileDescriptorSet rather than from proto-loader, whose
 * synthesized descriptors rename files per package and drop imports (grpcurl then cannot
 * resolve google.protobuf.Timestamp). @grpc/reflection only reads `fileDescriptorProtos`.
 */
export function reflectionRoot(descriptorSet: Uint8Array): PackageDefinition {
  const files = fromBinary(FileDescriptorSetSchema, descriptorSet).file;
  const fileDescriptorProtos = files.map((file) => toBinary(FileDescriptorProtoSchema, file));
  return {
    descriptors: { format: 'buf FileDescriptorSet', fileDescriptorProtos },
  } as unknown as PackageDefinition;
}
