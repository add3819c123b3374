import { expect, it } from 'vitest';
import { sleep } from '@ferry/core';
import { openRedis } from '../src/index.js';
import { withRedisLock } from '../src/redis-lock.js';
import { REDIS_URL, dropPrefix, uniquePrefix, cleanupAfterEach } from './helpers.js';

const cleanups = cleanupAfterEach();

it('holders on separate connections never overlap, and a holder outliving the TTL keeps the lock', async () => {
  const prefix = uniquePrefix();
  const connections = [openRedis(REDIS_URL), openRedis(REDIS_URL)];
  cleanups.push(async () => {
    for (const c of connections) c.disconnect();
    await dropPrefix(REDIS_URL, prefix);
  });
  const key = `${prefix}:lock`;
  const times = { ttlMs: 150, waitMs: 5_000 };
  let holders = 0;
  let most = 0;
  const hold = async (ms: number) => {
    holders++;
    most = Math.max(most, holders);
    await sleep(ms);
    holders--;
  };

  // The first holder runs past its TTL three times over: only renewal keeps the second one out.
  await Promise.all([
    withRedisLock(connections[0]!, key, () => hold(450), times),
    sleep(20).then(() => withRedisLock(connections[1]!, key, () => hold(10), times)),
    ...Array.from({ length: 6 }, (_, i) => withRedisLock(connections[i % 2]!, key, () => hold(5), times)),
  ]);

  expect(most).toBe(1);
  expect(await connections[0]!.exists(key)).toBe(0);
});
