import type { Redis } from 'ioredis';

/**
 * Sets a pause key that expires after `ms`, unless a longer pause another worker set is already
 * running: pauses only ever grow. `index` (a sorted set, by end time) lists the pause keys, so
 * `ferry serve` finds them without scanning the keyspace.
 */
export async function extendPause(redis: Redis, key: string, ms: number, index?: string): Promise<void> {
  const left = await redis.pttl(key);
  if (left >= ms) return;
  const px = Math.max(1, Math.round(ms));
  await redis.set(key, '1', 'PX', px);
  if (index) await redis.zadd(index, Date.now() + px, key);
}
