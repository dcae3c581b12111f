import { runService } from '@prism/runtime';
import { profileService } from './app.js';

await runService(profileService);
