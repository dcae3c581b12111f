import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * npm packages stay imports, by absolute path (as resolved from the importing workspace
 * package), so the bundle runs from a temporary folder: several packages read files of their own.
 */
const npmPackagesByPath: Plugin = {
  name: 'npm-packages-by-path',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^[^./]/ }, async ({ path, kind, resolveDir, pluginData }) => {
      if (path.startsWith('@prism/') || pluginData === 'resolving') return undefined;
      const resolved = await esbuild.resolve(path, { kind, resolveDir, pluginData: 'resolving' });
      return resolved.errors.length > 0 ? undefined : { path: resolved.path, external: true };
    });
  },
};

/**
 * The benchmark's service process as plain JavaScript (its TypeScript and the workspace's in one
 * ESM file, the HTTP ingest thread beside it): what production starts (deploy/build.mjs does the
 * same for the image), so a restart is timed without tsx compiling TypeScript at start-up.
 * Returns the entry file.
 */
export async function bundleServiceProcess(): Promise<string> {
  const outdir = mkdtempSync(join(tmpdir(), 'prism-profile-scale-'));
  await build({
    entryPoints: {
      'profile-scale-service': fileURLToPath(new URL('./profile-scale-service.ts', import.meta.url)),
      'ingest-worker': join(root, 'services/profile/src/http/ingest-worker.ts'),
    },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins: [npmPackagesByPath],
    logLevel: 'warning',
  });
  // @prism/proto reads the reflection descriptors from gen/ beside its module: the bundle.
  cpSync(join(root, 'proto/gen/descriptors.binpb'), join(outdir, 'gen/descriptors.binpb'));
  return join(outdir, 'profile-scale-service.mjs');
}
