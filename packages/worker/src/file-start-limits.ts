import type { Redis } from 'ioredis';
import type { FerryKeys } from './keys.js';
import type { RedisPacerStore } from './redis-pacer-store.js';

/** Whose budget one side of a transfer spends: the remote's name and the account key it is on. */
export interface PacedSide {
  /** `ferry worker --rate-limit` names a remote. */
  remote: string;
  /** Every remote on one login shares this one's bucket and pause (Provider.pacingAccount). */
  account: string;
}

/** Workers see limits set elsewhere within this long; until then a remote without one costs no round trip per file. */
const LIMITS_SNAPSHOT_MS = 500;

/** The request class job starts spend in an account's budget. */
const FILE_STARTS = 'file-starts';

/**
 * `ferry worker --rate-limit REMOTE=N`: files started per second, in the account's bucket of the
 * shared pacer store, so the limit holds across workers and across remotes on one login; the
 * account's pause (a 429, risk control) holds job starts as it holds requests.
 */
export class FileStartLimits {
  private limits: { at: number; byRemote: Promise<Map<string, number>> } | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly keys: FerryKeys,
    private readonly store: RedisPacerStore,
  ) {}

  /** Files started per second for a remote, shared by all workers; 0 removes the limit. */
  async setLimit(remote: string, perSecond: number): Promise<void> {
    if (perSecond > 0) await this.redis.hset(this.keys.rateLimits(), remote, String(perSecond));
    else await this.redis.hdel(this.keys.rateLimits(), remote);
    this.limits = undefined;
  }

  /**
   * 0 when a file of these sides may start now, else how long to wait. Tokens already taken are
   * kept: they were spent on the wait's behalf, and refill soon.
   */
  async take(...sides: PacedSide[]): Promise<number> {
    if (sides.length === 0) return 0;
    const limits = await this.current();
    for (const side of sides) {
      const perSecond = limits.get(side.remote) ?? 0;
      const wait = await this.store.reserve(side.account, FILE_STARTS, { perSecond, burst: Math.max(1, perSecond) }, false);
      if (wait > 0) return wait;
    }
    return 0;
  }

  /** Stops every worker's requests and job starts on this account for a while. */
  pause(account: string, ms: number): Promise<void> {
    return this.store.pause(account, ms);
  }

  private current(): Promise<Map<string, number>> {
    if (this.limits && Date.now() - this.limits.at < LIMITS_SNAPSHOT_MS) return this.limits.byRemote;
    const byRemote = this.redis
      .hgetall(this.keys.rateLimits())
      .then((raw) => new Map(Object.entries(raw).map(([k, v]) => [k, Number(v)] as const).filter(([, v]) => v > 0)));
    byRemote.catch(() => (this.limits = undefined));
    this.limits = { at: Date.now(), byRemote };
    return byRemote;
  }
}
