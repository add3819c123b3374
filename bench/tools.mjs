// How each tool is invoked. Every tool runs with its defaults; only config and state paths are
// redirected, so the bench never reads or writes the user's own Ferry or rclone setup.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR } from './data.mjs';

export const FERRY_MAIN = new URL('../packages/cli/dist/main.js', import.meta.url).pathname;
const SCRATCH = join(DATA_DIR, 'scratch');

/** Creates the scratch folder and the empty rclone config; returns a cleanup function. */
export async function prepareScratch() {
  await fs.mkdir(SCRATCH, { recursive: true });
  await fs.writeFile(join(SCRATCH, 'rclone.conf'), '');
  return () => fs.rm(SCRATCH, { recursive: true, force: true });
}

/**
 * A fresh state folder per run: Ferry's journal remembers finished files, and a journal left
 * by the previous run would turn the next copy into a skip-everything no-op.
 */
async function ferryEnv() {
  const state = await fs.mkdtemp(join(SCRATCH, 'ferry-state-'));
  return { ...process.env, FERRY_CONFIG: join(SCRATCH, 'ferry.config.json'), FERRY_STATE_DIR: state };
}

const rcloneEnv = () => ({
  ...process.env,
  RCLONE_CONFIG: join(SCRATCH, 'rclone.conf'),
  RCLONE_CACHE_DIR: join(SCRATCH, 'rclone-cache'),
});

export const hashers = {
  ferry: async (file) => ({ cmd: process.execPath, args: [FERRY_MAIN, 'hash', file], env: await ferryEnv() }),
  sha1sum: async (file) => ({ cmd: 'sha1sum', args: [file], env: process.env }),
};

/** Each copier is given a destination that does not exist yet, the one state all three agree on. */
export const copiers = {
  ferry: async (src, dst) => ({ cmd: process.execPath, args: [FERRY_MAIN, 'copy', src, dst], env: await ferryEnv() }),
  rclone: async (src, dst) => ({ cmd: 'rclone', args: ['copy', src, dst], env: rcloneEnv() }),
  // `cp -r SRC DST` copies SRC as DST only when DST is absent; otherwise it nests SRC inside it.
  cp: async (src, dst) => ({ cmd: 'cp', args: ['-r', src, dst], env: process.env }),
};

/** The hex digest at the start of `sha1sum`-style output. */
export function parseDigest(stdout) {
  const m = /^([0-9a-f]{40})\b/i.exec(stdout.trim());
  return m ? m[1].toLowerCase() : undefined;
}
