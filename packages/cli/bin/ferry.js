#!/usr/bin/env node
// Committed, not built: npm links workspace bins before `prepare` builds dist/, and skips a bin
// whose target does not exist yet, so a fresh `npm ci` would leave no `ferry` to run.
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/main.js', import.meta.url);
try {
  await import(main.href);
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(fileURLToPath(main))) throw error;
  process.stderr.write('ferry: the CLI is not built yet: run `npm ci` (or `npm run build`) in the Ferry checkout\n');
  process.exit(1);
}
