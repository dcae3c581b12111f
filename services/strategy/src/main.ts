import { runService } from '@prism/runtime';
import { strategyService } from './app.js';

await runService(strategyService);
