// Entry of the HTTP ingest thread: registers tsx in this thread (a worker does not inherit the
// process's loader hooks on Node 20), then runs the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./ingest-worker.ts');
