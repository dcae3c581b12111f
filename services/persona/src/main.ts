import { runService } from '@prism/runtime';
import { personaService } from './app.js';

await runService(personaService);
