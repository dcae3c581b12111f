#!/usr/bin/env node
// Compiles every service of services/* into dist/<service>/ (the image runs these, see
// deploy/Dockerfile), so a container starts plain `node` with no TypeScript at start-up.
// Each entry becomes one ESM file holding the workspace's code (@prism/*, TypeScript);
// npm packages stay imports, resolved from node_modules at run time, because several
// (grpc-health-check, @grpc/reflection, pino) read files of their own package.
// Run after the install has generated proto/gen/: `node deploy/build.mjs`.
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');
const descriptors = join(root, 'proto/gen/descriptors.binpb');

const npmPackagesStayImports = {
  name: 'npm-packages-stay-imports',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^[^./]/ }, ({ path }) =>
      path.startsWith('@prism/') ? undefined : { external: true },
    );
  },
};

/** main.ts, and each `*-worker.ts` under the name its thread starts it by (`./<name>.mjs`). */
function entryPoints(service) {
  const src = join(root, 'services', service, 'src');
  const workers = readdirSync(src, { recursive: true }).filter((file) => file.endsWith('-worker.ts'));
  return {
    main: join(src, 'main.ts'),
    ...Object.fromEntries(workers.map((file) => [basename(file, '.ts'), join(src, file)])),
  };
}

async function bundle(service) {
  const outdir = join(dist, service);
  const entries = entryPoints(service);
  await build({
    entryPoints: entries,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    plugins: [npmPackagesStayImports],
    logLevel: 'warning',
  });
  // @prism/proto reads the reflection descriptors from gen/ beside its module: the bundle.
  cpSync(descriptors, join(outdir, 'gen/descriptors.binpb'));
  console.log(`built dist/${service}: ${Object.keys(entries).join(', ')}`);
}

if (!existsSync(descriptors)) {
  console.error('proto/gen/ is missing: run `sh proto/generate.sh` (the install does) first');
  process.exit(1);
}
rmSync(dist, { recursive: true, force: true });
const services = readdirSync(join(root, 'services'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
for (const service of services) await bundle(service);
