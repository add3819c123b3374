import { Redis, type RedisOptions } from 'ioredis';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export function redisUrlFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag || env.REDIS_URL || DEFAULT_REDIS_URL;
}

/** The URL as it may be shown: a password in it is replaced, so messages never carry it. */
export function displayRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable Redis URL)';
  }
}

export class RedisUnavailable extends Error {
  override readonly name = 'RedisUnavailable';
}

/**
 * A connection as BullMQ workers need it: commands wait through a reconnect instead of failing
 * (maxRetriesPerRequest null), so a Redis restart pauses the work rather than losing it.
 */
export function openRedis(url: string, extra: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: true,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    ...extra,
  });
  // Reconnects are ioredis' job; an unhandled 'error' event would crash the process meanwhile.
  redis.on('error', () => {});
  return redis;
}

/** Connects once with a short timeout, so an unreachable Redis is one clear line, not a hang. */
export async function connectRedis(url: string, extra: RedisOptions = {}): Promise<Redis> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
  let cause: Error | undefined;
  probe.on('error', (err: Error) => (cause ??= err));
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    probe.disconnect();
    const reason = (cause ?? (err instanceof Error ? err : new Error(String(err)))).message;
    throw new RedisUnavailable(`cannot reach Redis at ${displayRedisUrl(url)}: ${reason} (set --redis or $REDIS_URL)`);
  }
  probe.disconnect();
  const redis = openRedis(url, extra);
  await redis.connect();
  return redis;
}
