import type { Bus, PrismEvent } from '@prism/bus';
import { connectBus } from '@prism/bus';
import { wallClock } from './audiences-traffic.js';

/** Starts (or restarts) counting a space's audience events; answers once subscribed. */
export interface WatchCommand {
  kind: 'watch';
  nats: { url: string; prefix: string };
  space: string;
  /** The campaign audience (the union of its parts). */
  unionKey: string;
}

/** What was seen since the last `watch`, on the wall clock. */
export interface Watched {
  entered: number;
  exited: number;
  computed: number;
  firstAt?: number;
  lastAt?: number;
  /** `audience.computed` of the union, in order. */
  unionComputed: { at: number; epoch: number; size: number }[];
  /** When `campaign.segments.generated` was published. */
  generatedAt?: number;
  /** entered and exited published after it. */
  afterGenerated: { entered: number; exited: number };
}

const nothingSeen = (): Watched => ({
  entered: 0,
  exited: 0,
  computed: 0,
  unionComputed: [],
  afterGenerated: { entered: 0, exited: 0 },
});

/**
 * Plain NATS subscriptions to `<prefix>.<space>.audience.>` and the space's
 * `campaign.segments.generated`, in a process of their own: every event audience-sync publishes
 * is counted the moment NATS hands it on, without taking CPU from the services' event loop.
 */
export function audienceWatcher() {
  let bus: Bus | undefined;
  let unionKey = '';
  let watched = nothingSeen();
  const note = (at: number) => {
    watched.firstAt ??= at;
    watched.lastAt = at;
  };
  return {
    async watch(command: WatchCommand): Promise<void> {
      unionKey = command.unionKey;
      watched = nothingSeen();
      if (bus) return;
      const { prefix } = command.nats;
      bus = await connectBus({ servers: command.nats.url, name: 'bench-audience-watch', prefix });
      bus.nc.subscribe(`${prefix}.${command.space}.audience.>`, {
        callback: (_error, msg) => {
          const at = wallClock();
          note(at);
          const kind = msg.subject.slice(msg.subject.lastIndexOf('.') + 1);
          if (kind === 'entered' || kind === 'exited') {
            watched[kind]++;
            if (watched.generatedAt !== undefined) watched.afterGenerated[kind]++;
          }
          if (kind === 'computed') {
            watched.computed++;
            const { data } = msg.json<PrismEvent<{ audienceKey: string; size: unknown; epoch: unknown }>>();
            if (data.audienceKey === unionKey)
              watched.unionComputed.push({ at, epoch: Number(data.epoch), size: Number(data.size ?? 0) });
          }
        },
      });
      bus.nc.subscribe(`${prefix}.${command.space}.campaign.segments.generated`, {
        callback: () => {
          watched.generatedAt = wallClock();
        },
      });
      await bus.nc.flush();
    },
    watched: (): Watched => watched,
    close: () => bus?.close(),
  };
}
