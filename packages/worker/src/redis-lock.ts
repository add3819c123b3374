import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { TransientError, sleep } from '@ferry/core';

export interface RedisLockTimes {
  /** How long a holder that died keeps others out; a live holder renews before it runs out. */
  ttlMs: number;
  /** How long to wait for another holder before giving up with a retryable error. */
  waitMs: number;
}

const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
const RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

/**
 * Runs `fn` holding the Redis key `key`, shared by every worker on that Redis. The key holds a
 * random value of its holder, so a holder whose lock ran out never frees the next one's; only
 * the lock's name is in Redis, never what it guards.
 */
export async function withRedisLock<T>(redis: Redis, key: string, fn: () => Promise<T>, times: RedisLockTimes): Promise<T> {
  const token = randomBytes(8).toString('hex');
  const deadline = Date.now() + times.waitMs;
  while ((await redis.set(key, token, 'PX', times.ttlMs, 'NX')) !== 'OK') {
    if (Date.now() > deadline) throw new TransientError(`lock ${key} is held by another worker; try again`);
    await sleep(20 + Math.random() * 30);
  }
  // A slow token endpoint must not let the lock lapse while its answer is still to be saved. A
  // renewal lost to a Redis hiccup is retried by the next tick; the TTL covers the gap.
  const renewal = setInterval(() => {
    redis.eval(RENEW, 1, key, token, String(times.ttlMs)).catch(() => undefined);
  }, times.ttlMs / 3);
  try {
    return await fn();
  } finally {
    clearInterval(renewal);
    await redis.eval(RELEASE, 1, key, token);
  }
}
