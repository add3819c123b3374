import { defineConfig } from 'vitest/config';

// CLI tests mostly wait: on child processes, emulators' rate limits and Redis. Three files at once
// keep two cores busy where one at a time (vitest's default here) left them mostly idle.
export default defineConfig({ test: { testTimeout: 120_000, hookTimeout: 120_000, maxWorkers: 3 } });
