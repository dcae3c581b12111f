import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { NATS_CONFIG_SOURCE, renderAuth } from './auth-file.js';

it('ships deploy/nats/auth.conf as the rendering of no partners, so a fresh server knows the internal user', async () => {
  expect(await readFile(join(NATS_CONFIG_SOURCE, 'auth.conf'), 'utf8')).toBe(renderAuth([]));
});
