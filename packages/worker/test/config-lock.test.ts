import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { FerryKeys, LockedConfigStore, openRedis } from '../src/index.js';
import { REDIS_URL, dropPrefix, tempDir, uniquePrefix, cleanupAfterEach } from './helpers.js';

const cleanups = cleanupAfterEach();

it('rotated credentials saved by several workers at once are all persisted (writes hold the lock file beside the config)', async () => {
  const prefix = uniquePrefix();
  const dir = tempDir('config-lock');
  const path = join(dir, 'ferry.config.json');
  const names = Array.from({ length: 12 }, (_, i) => `r${i}`);
  writeFileSync(path, JSON.stringify({ remotes: Object.fromEntries(names.map((n) => [n, { type: 'local', root: '/old' }])) }));
  const connections = [openRedis(REDIS_URL), openRedis(REDIS_URL)];
  cleanups.push(async () => {
    for (const c of connections) c.disconnect();
    await dropPrefix(REDIS_URL, prefix);
    rmSync(dir, { recursive: true, force: true });
  });
  const stores = connections.map((c) => new LockedConfigStore(c, new FerryKeys(prefix), path));

  await Promise.all(names.map((name, i) => stores[i % 2]!.updateRemote(name, { root: `/new/${name}` })));

  const saved = JSON.parse(readFileSync(path, 'utf8')) as { remotes: Record<string, { root: string }> };
  expect(names.map((n) => saved.remotes[n]?.root)).toEqual(names.map((n) => `/new/${n}`));
});

it("a credential's lock is held in Redis and in the lock file beside the config, so plain ferry commands take turns too", async () => {
  const prefix = uniquePrefix();
  const dir = tempDir('credential-lock');
  const path = join(dir, 'ferry.config.json');
  const redis = openRedis(REDIS_URL);
  cleanups.push(async () => {
    redis.disconnect();
    await dropPrefix(REDIS_URL, prefix);
    rmSync(dir, { recursive: true, force: true });
  });
  const keys = new FerryKeys(prefix);
  const store = new LockedConfigStore(redis, keys, path);

  const held = await store.withLock('aliyun-open:ali', async () => ({
    redis: await redis.exists(keys.credentialLock(path, 'aliyun-open:ali')),
    file: existsSync(`${path}.aliyun-open_ali.lock`),
  }));

  expect(held).toEqual({ redis: 1, file: true });
  expect(await redis.exists(keys.credentialLock(path, 'aliyun-open:ali'))).toBe(0);
  expect(existsSync(`${path}.aliyun-open_ali.lock`)).toBe(false);
});
