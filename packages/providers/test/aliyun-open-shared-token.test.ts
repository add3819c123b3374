import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import type { ProviderContext } from '@ferry/core';
import { type AliyunOpenEmulator, aliyunOpenEmulatorOptions, startAliyunOpenEmulator } from '@ferry/emulators';

type WithLock = NonNullable<ProviderContext['withLock']>;

/**
 * A separate process as far as tokens go: its own module graph (so its own in-process account
 * cache, as in a separate process) and its own ConfigStore on the shared config file, whose lock
 * file it uses unless `context` brings another lock.
 */
async function workerLikeProvider(configPath: string, context: Partial<ProviderContext> = {}) {
  vi.resetModules();
  const core = await import('@ferry/core');
  const providers = await import('../src/index.js');
  providers.registerAliyunOpen();
  const store = new core.ConfigStore(configPath);
  return core.resolveLocation('ali:/', await store.load(), store, context).provider;
}

function storedToken(configPath: string): string {
  return (JSON.parse(readFileSync(configPath, 'utf8')) as { remotes: { ali: { refresh_token: string } } }).remotes.ali.refresh_token;
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

let emulator: AliyunOpenEmulator | undefined;
let dir: string | undefined;
afterEach(async () => {
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  emulator = dir = undefined;
});

async function sharedConfig(options: { client_secret?: string } = {}): Promise<string> {
  emulator = await startAliyunOpenEmulator();
  emulator.put('/shared/a.txt', Buffer.from('a'));
  dir = mkdtempSync(join(tmpdir(), 'ferry-aliyun-shared-'));
  const path = join(dir, 'ferry.config.json');
  const ali = { type: 'aliyun-open', ...aliyunOpenEmulatorOptions(emulator, emulator.issueRefreshToken()), ...options };
  writeFileSync(path, JSON.stringify({ remotes: { ali } }));
  return path;
}

it('two processes sharing one account refresh one at a time and adopt the token the other rotated', async () => {
  const path = await sharedConfig();
  const lock = inMemoryLock();
  const first = await workerLikeProvider(path, { withLock: lock });
  const second = await workerLikeProvider(path, { withLock: lock });

  await Promise.all([first.stat('/shared/a.txt'), second.stat('/shared/a.txt')]);
  emulator!.expireAccessTokens();
  const [a, b] = await Promise.all([first.stat('/shared/a.txt'), second.stat('/shared/a.txt')]);

  expect([a.size, b.size]).toEqual([1, 1]);
  // Each process refreshed twice (cold start, then expiry), every grant with a fresh token.
  expect(emulator!.stats.refreshGrants).toBe(4);
  expect(emulator!.stats.requests['/oauth/access_token']).toBe(4);
});

it('two processes with no lock of the host take turns through the lock file beside their config', async () => {
  const path = await sharedConfig();
  const first = await workerLikeProvider(path);
  const second = await workerLikeProvider(path);

  const results = await Promise.allSettled([first.stat('/shared/a.txt'), second.stat('/shared/a.txt')]);

  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
  expect(emulator!.stats.refreshGrants).toBe(2);
  expect(emulator!.stats.requests['/oauth/access_token']).toBe(2);
});

it('a refused refresh token is retried with the newer one a process outside the lock saved meanwhile', async () => {
  const path = await sharedConfig();
  const spent = storedToken(path);
  const snapshot = JSON.parse(readFileSync(path, 'utf8')) as { remotes: { ali: Record<string, unknown> } };
  // Its first look at the config, under the lock, comes just before another process saves.
  let reads = 0;
  const late = await workerLikeProvider(path, {
    loadOptions: async () => (reads++ === 0 ? snapshot.remotes.ali : (JSON.parse(readFileSync(path, 'utf8')) as typeof snapshot).remotes.ali),
  });
  // An older Ferry, refreshing without any lock, spends the token and saves its successor.
  const outside = await workerLikeProvider(path, { withLock: (_name, fn) => fn() });
  await outside.stat('/shared/a.txt');
  const rotated = storedToken(path);
  expect(rotated).not.toBe(spent);

  await expect(late.stat('/shared/a.txt')).resolves.toMatchObject({ size: 1 });
  expect(emulator!.stats.requests['/oauth/access_token']).toBe(3);
  expect(emulator!.stats.refreshGrants).toBe(2);
  expect([spent, rotated]).not.toContain(storedToken(path));
});

it('asks to authorize again when the refresh token is refused and the config holds no newer one', async () => {
  const path = await sharedConfig();
  const before = readFileSync(path, 'utf8');
  const spender = await workerLikeProvider(path);
  await spender.stat('/shared/a.txt');
  // The config goes back to the spent token, as a copy restored from a backup would.
  writeFileSync(path, before);
  const stale = await workerLikeProvider(path);

  const err = await stale.stat('/shared/a.txt').catch((e: unknown) => e);
  expect(String(err)).toMatch(/refused the refresh token \(RefreshTokenInvalid\) and the config holds no newer one.*Authorize again/);
});

it('refused app credentials do not ask to authorize again', async () => {
  const path = await sharedConfig({ client_secret: 'wrong' });
  const provider = await workerLikeProvider(path);

  const err = await provider.stat('/shared/a.txt').catch((e: unknown) => e);
  expect(String(err)).toMatch(/refused the token refresh \(401 InvalidClientSecret\).*client_secret/);
  expect(String(err)).not.toMatch(/Authorize again/i);
});
