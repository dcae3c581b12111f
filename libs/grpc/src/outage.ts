import { Unavailable } from '@prism/errors';

/** The MongoDB driver's errors for a server that cannot be reached or stopped answering. */
const STORAGE_OUTAGES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoPoolClearedError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoWaitQueueTimeoutError',
]);
/** nats.js error codes for a connection that is down or did not answer in time. */
const MESSAGING_OUTAGES = new Set([
  'TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_DRAINING',
  'DISCONNECT',
  '503',
]);

/**
 * UNAVAILABLE for an error that says storage or messaging is out of reach (a restart, a network
 * fault): the caller may retry, and it is no bug of the handler's. Undefined for anything else.
 * Read by name and code, so this package needs neither driver.
 */
export function outageOf(error: unknown): Unavailable | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code } = error as Error & { code?: unknown };
  if (STORAGE_OUTAGES.has(error.name))
    return new Unavailable('storage', 'the Mongo-wire server', 'not reachable just now; retry');
  if (error.name === 'NatsError' && MESSAGING_OUTAGES.has(String(code)))
    return new Unavailable('messaging', 'NATS', 'not reachable just now; retry');
  return undefined;
}
