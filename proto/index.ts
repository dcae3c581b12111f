import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder of the .proto sources. */
export const protoRoot = dirname(fileURLToPath(import.meta.url));

export const protoPath = (file: string) => join(protoRoot, file);

/**
 * Every file of the buf module with its imports, as `buf build` writes them (real file names
 * and dependencies), for server reflection: grpcurl resolves Timestamp and friends from it.
 */
export function descriptorSet(): Uint8Array {
  return readFileSync(join(protoRoot, 'gen/descriptors.binpb'));
}
