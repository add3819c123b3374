import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ConfigStore, TransientError, sleep } from '@ferry/core';
import type { FerryKeys } from './keys.js';

/** Longer than any config write; a holder that died frees the lock by itself. */
const LOCK_MS = 10_000;
const WAIT_MS = 15_000;

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
    const key = this.keys.configLock(this.path);
    const token = randomBytes(8).toString('hex');
    const deadline = Date.now() + WAIT_MS;
    while ((await this.redis.set(key, token, 'PX', LOCK_MS, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw new TransientError(`config ${this.path} is locked by another worker; try again`);
      await sleep(20 + Math.random() * 30);
    }
    try {
      await super.updateRemote(name, patch);
    } finally {
      await this.redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", 1, key, token);
    }
  }
}
