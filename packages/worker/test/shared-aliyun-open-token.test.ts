import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ConfigStore, resolveLocation } from '@ferry/core';
import { type AliyunOpenEmulator, aliyunOpenEmulatorOptions, startAliyunOpenEmulator } from '@ferry/emulators';
import { followTransfer, submitTransfer } from '../src/index.js';
import { makeTree, tempDir, cleanupAfterEach } from './helpers.js';
import { workersOnConfig } from './processes.js';

const cleanups = cleanupAfterEach();

it('two worker processes on one Aliyun account keep refreshing its single-use token as access tokens expire mid-run', async () => {
  const dir = tempDir('shared-aliyun');
  const src = join(dir, 'src');
  mkdirSync(src);
  const rels = makeTree(src, 120, 40);
  const emulator: AliyunOpenEmulator = await startAliyunOpenEmulator({ rateLimits: false });
  const ali = { type: 'aliyun-open', ...aliyunOpenEmulatorOptions(emulator, emulator.issueRefreshToken()) };
  const { queues, workers } = await workersOnConfig(cleanups, dir, { ali }, 2, () => emulator.close());
  const configPath = join(dir, 'ferry.config.json');

  const { id } = await submitTransfer(queues, {
    mode: 'copy', source: src, target: 'ali:/dst', deleteExtraneous: false, compare: 'default', onConflict: 'overwrite', include: [], exclude: [], retries: 3,
  });
  // Hours passing, compressed: every access token either worker holds dies, again and again.
  // Paced by progress, not by a clock, so a loaded machine cannot squeeze two expiries into one
  // refresh-and-retry (a call re-sent after one refresh that fails again is, rightly, an AuthError).
  // Events arrive in bursts (small files travel in batches), so each expiry also waits for the
  // refresh the previous one caused, then for 15 more files.
  let expiries = 0;
  let landed = 0;
  let due = 15;
  let grantsAtExpiry: number | undefined;
  const summary = await followTransfer(queues, id, (event) => {
    if (event.type !== 'file') return;
    landed++;
    if (grantsAtExpiry !== undefined) {
      if (emulator.stats.refreshGrants === grantsAtExpiry) return;
      grantsAtExpiry = undefined;
      due = landed + 15;
    }
    if (landed < due) return;
    emulator.expireAccessTokens();
    expiries++;
    grantsAtExpiry = emulator.stats.refreshGrants;
  });
  expect(summary).toMatchObject({ state: 'done', copied: rels.length, failed: 0 });
  for (const rel of rels) expect(emulator.read(`/dst/${rel}`)?.toString()).toBe(readFileSync(join(src, rel), 'utf8'));
  const lines = workers.flatMap((w) => w.lines);
  expect(lines.filter((l) => /AuthError|refused the refresh token/.test(l))).toEqual([]);
  // Both workers refreshed more than once, and the token left in the config is the live one.
  expect(expiries).toBeGreaterThan(1);
  expect(emulator.stats.refreshGrants).toBeGreaterThan(2);
  const store = new ConfigStore(configPath);
  const after = resolveLocation('ali:/dst', await store.load(), store).provider;
  await expect(after.stat(`/dst/${rels[0]}`)).resolves.toMatchObject({ isDir: false });
});
