import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { FerryKeys, LockedConfigStore, openRedis } from '../src/index.js';
import { REDIS_URL, dropPrefix, tempDir, uniquePrefix, cleanupAfterEach } from './helpers.js';

const cleanups = cleanupAfterEach();

it('rotated credentials saved by several workers at once are all persisted (writes hold a Redis lock)', async () => {
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
