#!/usr/bin/env node
// Rewrites the README's per-type option tables from the providers' declarations
// (`npm run docs:options`); cli/test/readme.test.ts fails while they differ. Runs the built CLI.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const README = join(here, '..', '..', '..', 'README.md');

let modules;
try {
  modules = await Promise.all([import('@ferry/core'), import('@ferry/providers'), import('../dist/readme-options.js')]);
} catch (err) {
  process.stderr.write(`docs:options needs the packages built first (npm run build): ${err.message}\n`);
  process.exit(1);
}
const [{ listProviderFactories }, { registerAllProviders }, { withOptionTables }] = modules;
registerAllProviders();
const before = await readFile(README, 'utf8');
const after = withOptionTables(before, listProviderFactories());
if (after === before) {
  process.stdout.write('README option tables are up to date\n');
} else {
  await writeFile(README, after);
  process.stdout.write('README option tables rewritten\n');
}
