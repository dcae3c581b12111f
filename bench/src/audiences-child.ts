import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AudienceLoadCommand } from './audiences-load.js';

export type AudienceHelper = ReturnType<typeof startAudienceHelper>;

/** A helper of the audiences benchmark: audiences-load.ts. */
export const startAudienceHelper = () =>
  startBenchHelper<AudienceLoadCommand>(new URL('./audiences-load.ts', import.meta.url));

/**
 * Forks a helper script; `run` sends it a command and resolves with its result. Commands to
 * one helper run one after another (each reply answers the oldest command). The script answers
 * `{ ok, result | error }` per command and closes its connections on `{ kind: 'close' }`.
 */
export function startBenchHelper<Command extends { kind: string }>(script: URL) {
  const child = fork(fileURLToPath(script), [], {
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_LOAD_NODE_ARGS?.split(' ') ?? [])],
    stdio: 'inherit',
  });
  let previous: Promise<unknown> = Promise.resolve();
  const send = <T>(command: Command | { kind: 'close' }) =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`the helper ${script.pathname} exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (reply: { ok: boolean; result?: T; error?: string }) => {
        child.off('exit', onExit);
        if (reply.ok) resolve(reply.result as T);
        else reject(new Error(`helper ${script.pathname}: ${reply.error}`));
      });
      child.send(command);
    });
  return {
    run<T>(command: Command | { kind: 'close' }): Promise<T> {
      const next = previous.catch(() => undefined).then(() => send<T>(command));
      previous = next;
      return next;
    },
    /** Closes its connections, then the channel, so it exits on its own. */
    async stop() {
      if (!child.connected) return;
      await this.run({ kind: 'close' }).catch(() => undefined);
      child.disconnect();
    },
  };
}

/** The helper script's side: runs each command it is sent and answers its result or its error. */
export function answerCommands<Command>(run: (command: Command) => Promise<unknown>) {
  process.on('message', (command: Command) => {
    run(command).then(
      (result) => process.send?.({ ok: true, result }),
      (error: Error) => process.send?.({ ok: false, error: error.stack ?? error.message }),
    );
  });
}
