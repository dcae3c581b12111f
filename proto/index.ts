import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder of the .proto sources (for server reflection and grpcurl). */
export const protoRoot = dirname(fileURLToPath(import.meta.url));

/** Proto files served by reflection, relative to protoRoot. */
export const serviceProtoFiles = ['prism/strategy/v1/strategy.proto'];

export const protoPath = (file: string) => join(protoRoot, file);
