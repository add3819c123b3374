import type { Redis } from 'ioredis';

/**
 * Sets a pause key that expires after `ms`, unless a longer pause another worker set is already
 * running: pauses only ever grow.
 */
export async function extendPause(redis: Redis, key: string, ms: number): Promise<void> {
  const left = await redis.pttl(key);
  if (left >= ms) return;
  await redis.set(key, '1', 'PX', Math.max(1, Math.round(ms)));
}
