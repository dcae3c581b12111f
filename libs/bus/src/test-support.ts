// Helpers for this package's integration tests (not exported from the package).
import { isolatedInfra } from '@prism/testing';
import type { JetStreamClient, JsMsg } from 'nats';
import { afterAll, beforeAll, inject } from 'vitest';
import { type Bus, connectBus } from './connect.js';
import { type BusLogger, stderrLogger } from './logger.js';
import { ensureStream, streamName } from './streams.js';

export function natsUrl(): string {
  return inject('natsUrl');
}

export function openBus(prefix: string, name = 'bus-test'): Promise<Bus> {
  return connectBus({ servers: natsUrl(), name, prefix });
}

/**
 * A test file's own subject prefix and one stream under it (`<PREFIX>_<SERVICE>` over
 * `subjects(prefix)`): the bus opens before the file's tests and closes, cleaned up, after them.
 */
export function streamSuite(service: string, subjects: (prefix: string) => string[]) {
  const infra = isolatedInfra();
  const prefix = infra.subjectPrefix;
  const stream = streamName(prefix, service);
  let opened: Bus | undefined;
  beforeAll(async () => {
    opened = await openBus(prefix);
    await ensureStream(opened.jsm, { name: stream, subjects: subjects(prefix) });
  });
  afterAll(async () => {
    await infra.cleanup();
    await opened?.close();
  });
  return {
    prefix,
    stream,
    /** The open bus, once the file's tests run. */
    get bus(): Bus {
      if (!opened) throw new Error('the bus opens before the tests of the file run');
      return opened;
    },
  };
}

/** Quiet unless BUS_TEST_LOG=1: expected failures (retries, dead letters) are what these tests provoke. */
export const testLogger: BusLogger =
  process.env.BUS_TEST_LOG === '1'
    ? { ...stderrLogger, info: stderrLogger.warn, debug: stderrLogger.warn }
    : {
        info() {},
        warn() {},
        error() {},
        debug() {},
      };

/** Polls until `check` holds; the bound only limits how long a broken test hangs. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface Collected {
  msgs: JsMsg[];
  stop(): Promise<void>;
}

/** Subscribes (ordered consumer, single filter subject: 2.9-compatible) and collects every message. */
export async function collect(js: JetStreamClient, stream: string, subject: string): Promise<Collected> {
  const consumer = await js.consumers.get(stream, { filterSubjects: subject });
  const iter = await consumer.consume();
  const msgs: JsMsg[] = [];
  const done = (async () => {
    for await (const m of iter) msgs.push(m);
  })();
  return {
    msgs,
    async stop() {
      await iter.close();
      await done;
    },
  };
}

/** A promise plus its resolver: lets a test hold a handler mid-flight. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}

/** Records what the bus logged, for tests that assert on operator-visible outcomes. */
export interface LogLine {
  level: string;
  obj: Record<string, unknown>;
  msg?: string | undefined;
}

export function recordingLogger(): BusLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: string) =>
    (obj: Record<string, unknown>, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}
