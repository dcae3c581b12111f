import { runService } from '@prism/runtime';
import { audienceService } from './app.js';

await runService(audienceService);
