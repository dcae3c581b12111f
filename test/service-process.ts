import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface ServiceProcess {
  child: ChildProcess;
  /** The gRPC port the service logged once it listened. */
  port: Promise<number>;
  /** What it logged so far (JSON lines at LOG_LEVEL). */
  stdout(): string;
  stderr(): string;
  /** Exit code (or signal name) once the process ended. */
  exited: Promise<number | string>;
}

/** Starts `services/<name>/src/main.ts` as its own Node process, the way `npm start` does. */
export function startServiceProcess(name: string, env: Record<string, string>): ServiceProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(repoRoot, `services/${name}/src/main.ts`)],
    {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  const port = new Promise<number>((resolvePort, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const listening = stdout.match(/"port":(\d+)[^\n]*service listening/);
      if (listening) resolvePort(Number(listening[1]));
    });
    child.once('exit', () => reject(new Error(`${name} exited before listening:\n${stderr}`)));
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | string>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown')),
  );
  port.catch(() => {});
  return { child, port, stdout: () => stdout, stderr: () => stderr, exited };
}

/** A port nothing listens on right now, for a service process told which port to bind. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}
