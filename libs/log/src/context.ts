import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  traceId: string;
  spaceId?: string;
}

/** The request being served, visible to every log line written while serving it. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

export function runInContext<T>(context: RequestContext, fn: () => T): T {
  return requestContext.run(context, fn);
}
