import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import type { ProviderContext } from '@ferry/core';
import { type AliyunEmulator, startAliyunEmulator } from '@ferry/emulators';

type WithLock = NonNullable<ProviderContext['withLock']>;

/**
 * A worker process as far as tokens go: its own module graph (so its own in-process account
 * cache, as in a separate process) and its own ConfigStore on the shared config file.
 */
async function workerLikeProvider(configPath: string, withLock?: WithLock) {
  vi.resetModules();
  const core = await import('@ferry/core');
  const providers = await import('../src/index.js');
  providers.registerAliyunOpen();
  const store = new core.ConfigStore(configPath);
  return core.resolveLocation('ali:/', await store.load(), store, withLock ? { withLock } : {}).provider;
}

/** One holder at a time, FIFO: stands in for the Redis lock shared by worker processes. */
function inMemoryLock(): WithLock {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(_name: string, fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

let emulator: AliyunEmulator | undefined;
let dir: string | undefined;
afterEach(async () => {
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  emulator = dir = undefined;
});

async function sharedConfig(): Promise<string> {
  emulator = await startAliyunEmulator();
  emulator.put('/shared/a.txt', Buffer.from('a'));
  dir = mkdtempSync(join(tmpdir(), 'ferry-aliyun-shared-'));
  const path = join(dir, 'ferry.config.json');
  const ali = {
    type: 'aliyun-open',
    refresh_token: emulator.issueRefreshToken(),
    client_id: emulator.client_id,
    client_secret: emulator.client_secret,
    endpoint: emulator.base,
  };
  writeFileSync(path, JSON.stringify({ remotes: { ali } }));
  return path;
}

it('two processes sharing one account refresh one at a time and adopt the token the other rotated', async () => {
  const path = await sharedConfig();
  const lock = inMemoryLock();
  const first = await workerLikeProvider(path, lock);
  const second = await workerLikeProvider(path, lock);

  await Promise.all([first.stat('/shared/a.txt'), second.stat('/shared/a.txt')]);
  emulator!.expireAccessTokens();
  const [a, b] = await Promise.all([first.stat('/shared/a.txt'), second.stat('/shared/a.txt')]);

  expect([a.size, b.size]).toEqual([1, 1]);
  // Each process refreshed twice (cold start, then expiry), every grant with a fresh token.
  expect(emulator!.stats.refreshGrants).toBe(4);
  expect(emulator!.stats.requests['/oauth/access_token']).toBe(4);
});

it('without the shared lock, the second process spends an already rotated token and is refused', async () => {
  const path = await sharedConfig();
  const first = await workerLikeProvider(path);
  const second = await workerLikeProvider(path);

  const results = await Promise.allSettled([first.stat('/shared/a.txt'), second.stat('/shared/a.txt')]);

  expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
  expect(String((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason)).toMatch(/refused the refresh token/);
  expect(emulator!.stats.refreshGrants).toBe(1);
});
