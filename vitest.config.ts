import { defineConfig } from 'vitest/config';

const shared = {
  globalSetup: ['libs/testing/src/global-setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    // Two cores: integration files share one NATS and one Mongo-wire server.
    maxWorkers: 2,
    projects: [
      {
        test: {
          ...shared,
          name: 'prism',
          include: [
            'libs/*/src/**/*.test.ts',
            'services/*/src/**/*.test.ts',
            'bench/src/**/*.test.ts',
            'test/**/*.test.ts',
            'deploy/local/src/**/*.test.ts',
          ],
          exclude: ['test/chaos/**', '**/node_modules/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // The reliability suite kills and restarts processes of its own on the same two cores:
        // it runs after everything else, alone, so no other file's timing suffers from it.
        test: {
          ...shared,
          name: 'chaos',
          include: ['test/chaos/**/*.test.ts'],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
