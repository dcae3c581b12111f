#!/usr/bin/env node
// Entry point of `npm start|test|bench|chaos|lint|typecheck` on a machine that may have only Node
// and npm: it provides pnpm (corepack, or npm when corepack's signature check fails), the
// dependencies and the generated code, then runs the command. Plain Node, no dependencies.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
// Corepack on some machines rejects pnpm's npm signature; pnpm is pinned by version anyway.
const env = { ...process.env, COREPACK_INTEGRITY_KEYS: '0', COREPACK_ENABLE_DOWNLOAD_PROMPT: '0' };

const log = (message) => console.error(`[prism] ${message}`);

function works(command, args) {
  const result = spawnSync(command, [...args, '--version'], { env, encoding: 'utf8', cwd: root });
  return result.status === 0 && result.stdout.trim() === pnpmVersion;
}

function findPnpm() {
  const local = join(root, '.prism/tools/node_modules/pnpm/bin/pnpm.cjs');
  const candidates = [
    ['pnpm', []],
    ['corepack', ['pnpm']],
    [process.execPath, [local]],
  ];
  for (const [command, args] of candidates) if (works(command, args)) return [command, args];
  log(`installing pnpm ${pnpmVersion} with npm (project-local, under .prism/tools)`);
  mkdirSync(join(root, '.prism/tools'), { recursive: true });
  const install = spawnSync(
    'npm',
    [
      'install',
      '--prefix',
      join(root, '.prism/tools'),
      '--no-save',
      '--no-audit',
      '--no-fund',
      `pnpm@${pnpmVersion}`,
    ],
    { env, stdio: 'inherit', cwd: root },
  );
  if (install.status !== 0 || !works(process.execPath, [local])) {
    log('could not provide pnpm; install it (npm i -g pnpm) and retry');
    process.exit(1);
  }
  return [process.execPath, [local]];
}

/**
 * Runs a command to its end. `output: 'stderr'` keeps stdout for what the command is asked for
 * (`npm start | jq` reads logs only); `output: 'on-failure'` shows it only when the command fails.
 */
function run([command, baseArgs], args, { allowFailure = false, output = 'inherit' } = {}) {
  const stdio = { inherit: 'inherit', stderr: ['inherit', 2, 2], 'on-failure': ['inherit', 'pipe', 'pipe'] };
  const result = spawnSync(command, [...baseArgs, ...args], {
    env,
    stdio: stdio[output],
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0 && output === 'on-failure') {
    process.stderr.write(result.stdout ?? '');
    process.stderr.write(result.stderr ?? '');
  }
  if (result.status !== 0 && !allowFailure) process.exit(result.status ?? 1);
  return result.status ?? 1;
}

function install(pnpm) {
  const frozen = process.env.CI ? ['--frozen-lockfile'] : [];
  // The first install downloads for minutes: show its progress. Later ones mostly find nothing to
  // do: quiet unless they fail. Its output is hidden, so pnpm must not stop to ask before it
  // rebuilds node_modules (after a setting that needs it changed).
  const first = !existsSync(join(root, 'node_modules/.modules.yaml'));
  log(first ? 'installing dependencies (the first time takes a few minutes)' : 'checking dependencies');
  run(pnpm, ['install', '--prefer-offline', '--config.confirm-modules-purge=false', ...frozen], {
    output: first ? 'stderr' : 'on-failure',
  });
  // proto/'s postinstall generates code; a skipped install (nothing changed) may still lack it.
  if (!existsSync(join(root, 'proto/gen/descriptors.binpb')))
    run(['sh', []], [join(root, 'proto/generate.sh')], { output: 'stderr' });
}

/** Prints vitest's JSON report as the plain closing line CI reads. */
function summarize(reportPath) {
  if (!existsSync(reportPath)) {
    console.log('0 passed, 0 failed');
    return;
  }
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A file that fails outside any test (a beforeAll, an import) counts as one failure, not zero.
  const failedOutsideTests = (report.testResults ?? []).filter(
    (file) =>
      file.status === 'failed' && !(file.assertionResults ?? []).some((test) => test.status === 'failed'),
  ).length;
  const failed = report.numFailedTests + failedOutsideTests;
  console.log(`${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
}

const commands = {
  /** `summary <report.json>`: the closing line of a vitest JSON report (used by .ci/run). */
  summary: () => summarize(process.argv[3] ?? join(root, 'reports/vitest.json')),
  test(pnpm, args) {
    const report = join(root, 'reports/vitest.json');
    const status = run(
      pnpm,
      [
        'exec',
        'vitest',
        'run',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${report}`,
        ...args,
      ],
      { allowFailure: true },
    );
    summarize(report);
    process.exit(status);
  },
  // Node itself (not `pnpm exec tsx`) so Ctrl-C reaches the launcher and nothing in between
  // exits before it has stopped what it started.
  start: (_pnpm, args) =>
    exec([process.execPath, ['--import', 'tsx']], ['deploy/local/src/start.ts', ...args]),
  bench: (pnpm, args) => run(pnpm, ['--filter', '@prism/bench', 'run', 'bench', ...args]),
  // The reliability suite's full run (test/chaos): its own NATS and Mongo-wire server, faults in
  // turn under load; prints its figures and writes them to reports/chaos.json.
  chaos(pnpm, args) {
    env.PRISM_CHAOS = 'full';
    process.exit(
      run(pnpm, ['exec', 'vitest', 'run', 'test/chaos/chaos.test.ts', ...args], { allowFailure: true }),
    );
  },
  lint(pnpm) {
    run(pnpm, ['exec', 'biome', 'check', '.']);
    run(pnpm, ['--filter', '@prism/proto', 'run', 'lint']);
  },
  typecheck: (pnpm) => run(pnpm, ['exec', 'tsc', '-p', 'tsconfig.json']),
  'infra-up': () => run(['bash', []], [join(root, 'deploy/local/up.sh')]),
  'infra-down': () => run(['bash', []], [join(root, 'deploy/local/down.sh')]),
};

/** Runs a long-lived child that owns the terminal; Ctrl-C reaches it and it cleans up. */
function exec([command, baseArgs], args) {
  const child = spawn(command, [...baseArgs, ...args], { env, stdio: 'inherit', cwd: root });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

const [name, ...args] = process.argv.slice(2);
const command = commands[name];
if (!command) {
  log(`unknown command ${name}; one of ${Object.keys(commands).join(', ')}`);
  process.exit(2);
}
if (name.startsWith('infra-') || name === 'summary') command();
else {
  const pnpm = findPnpm();
  install(pnpm);
  command(pnpm, args);
}
