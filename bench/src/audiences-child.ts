import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AudienceLoadCommand } from './audiences-load.js';

export type AudienceHelper = ReturnType<typeof startAudienceHelper>;

/**
 * Forks audiences-load.ts; `run` sends it a command and resolves with its result. Commands to
 * one helper run one after another (each reply answers the oldest command).
 */
export function startAudienceHelper() {
  const child = fork(fileURLToPath(new URL('./audiences-load.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_LOAD_NODE_ARGS?.split(' ') ?? [])],
    stdio: 'inherit',
  });
  let previous: Promise<unknown> = Promise.resolve();
  const send = <T>(command: AudienceLoadCommand) =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the audiences helper exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (reply: { ok: boolean; result?: T; error?: string }) => {
        child.off('exit', onExit);
        if (reply.ok) resolve(reply.result as T);
        else reject(new Error(`audiences helper: ${reply.error}`));
      });
      child.send(command);
    });
  return {
    run<T>(command: AudienceLoadCommand): Promise<T> {
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
