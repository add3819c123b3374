import type { Redis } from 'ioredis';
import { ConfigStore } from '@ferry/core';
import type { FerryKeys } from './keys.js';
import { withRedisLock } from './redis-lock.js';

/** A credential refresh is one HTTP exchange and a config write, but the endpoint may be slow. */
const CREDENTIAL_LOCK = { ttlMs: 30_000, waitMs: 90_000 };

/**
 * The config store of a worker process. Its writes already take turns through the lock file
 * beside the config; a credential's lock is held in Redis as well, shared by every worker using
 * this config path. Only the lock's name is in Redis, never a value.
 */
export class LockedConfigStore extends ConfigStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: FerryKeys,
    path?: string,
  ) {
    super(path);
  }

  /**
   * The lock `name` for every worker using this config file: providers hold it around the refresh
   * of a single-use token (ProviderContext.withLock). Inside the Redis lock the file lock is taken
   * too, so a `ferry` command run on this machine beside the workers takes its turn as well.
   */
  override withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return withRedisLock(this.redis, this.keys.credentialLock(this.path, name), () => super.withLock(name, fn), CREDENTIAL_LOCK);
  }
}
