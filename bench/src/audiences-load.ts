import { answerCommands } from './audiences-child.js';
import { type ProbeCommand, probeEntering } from './audiences-probe.js';
import { loadPeople, type PeopleCommand, type SteadyCommand, steadyLoad } from './audiences-traffic.js';
import { audienceWatcher, type WatchCommand } from './audiences-watch.js';

/**
 * A helper process of the audiences benchmark (forked by audiences-child.ts): tracking load,
 * probes and event watching run here, so their CPU is not taken from the services' event loop
 * and theirs is not delayed by it. Commands and results travel over the IPC channel.
 */

export type AudienceLoadCommand =
  | SteadyCommand
  | PeopleCommand
  | ProbeCommand
  | WatchCommand
  | { kind: 'watched' }
  | { kind: 'close' };

const watcher = audienceWatcher();

async function run(command: AudienceLoadCommand): Promise<unknown> {
  switch (command.kind) {
    case 'steady':
      return steadyLoad(command);
    case 'people':
      return loadPeople(command);
    case 'probe':
      return probeEntering(command);
    case 'watch':
      return watcher.watch(command);
    case 'watched':
      return watcher.watched();
    case 'close':
      return watcher.close();
  }
}

answerCommands(run);
