import { runService } from '@prism/runtime';
import { segmentsService } from './app.js';

await runService(segmentsService);
