import type { Redis } from 'ioredis';
import { ConfigStore } from '@ferry/core';
import type { FerryKeys } from './keys.js';
import { withRedisLock } from './redis-lock.js';

/** Longer than any config write; a holder that died frees the lock by itself. */
const CONFIG_LOCK = { ttlMs: 10_000, waitMs: 15_000 };
/** A credential refresh is one HTTP exchange and a config write, but the endpoint may be slow. */
const CREDENTIAL_LOCK = { ttlMs: 30_000, waitMs: 90_000 };

/**
 * The config store of a worker process, whose read-modify-write of a remote (a rotated refresh
 * token being persisted) holds a Redis lock: two workers on one machine saving at once would
 * otherwise each write back the file as they read it, and one token would be lost. Only the
 * lock's name is in Redis, never a value.
 */
export class LockedConfigStore extends ConfigStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: FerryKeys,
    path?: string,
  ) {
    super(path);
  }

  override async updateRemote(name: string, patch: Record<string, unknown>): Promise<void> {
    await withRedisLock(this.redis, this.keys.configLock(this.path), () => super.updateRemote(name, patch), CONFIG_LOCK);
  }

  /**
   * The lock `name` for every worker using this config file: providers hold it around the refresh
   * of a single-use token (ProviderContext.withLock).
   */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return withRedisLock(this.redis, this.keys.credentialLock(this.path, name), fn, CREDENTIAL_LOCK);
  }
}
