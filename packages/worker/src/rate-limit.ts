import type { Redis } from 'ioredis';
import type { FerryKeys } from './keys.js';
import { extendPause } from './pause-key.js';

/**
 * One token bucket per remote account, in Redis, so every worker on every machine draws from the
 * same budget (115 and Aliyun throttle per account, not per process). The same script honours a
 * pause set after a 429 / risk-control answer. Redis's clock decides, so worker clocks may drift.
 *
 * KEYS: limits hash, then a bucket and a pause key per account. ARGV: the accounts.
 * Returns 0 when every account gave a token, else the milliseconds to wait before asking again
 * (tokens already taken are kept: they were spent on the wait's behalf, and refill soon).
 */
const TAKE_TOKENS = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
for i, account in ipairs(ARGV) do
  local bucket = KEYS[2 * i]
  local pause = redis.call('PTTL', KEYS[2 * i + 1])
  if pause > 0 then return pause end
  local rate = tonumber(redis.call('HGET', KEYS[1], account))
  if rate and rate > 0 then
    local burst = math.max(1, rate)
    local state = redis.call('HMGET', bucket, 'tokens', 'at')
    local tokens = tonumber(state[1]) or burst
    local at = tonumber(state[2]) or now
    tokens = math.min(burst, tokens + (now - at) * rate / 1000)
    local wait = 0
    if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
    redis.call('HSET', bucket, 'tokens', tostring(tokens), 'at', tostring(now))
    redis.call('PEXPIRE', bucket, math.ceil(burst * 1000 / rate) + 1000)
    if wait > 0 then return wait end
  end
end
return 0
`;

/** ioredis sends a defined command by its SHA (EVALSHA), the script text only once. */
interface TakeTokens {
  ferryTakeTokens(numKeys: number, ...args: string[]): Promise<number>;
}

/**
 * Workers see limits and pauses set elsewhere within this long; until then an account with
 * neither costs no round trip per file.
 */
const SNAPSHOT_MS = 500;

interface Snapshot {
  at: number;
  accounts: Set<string>;
  limited: Set<string>;
  pausedUntil: Map<string, number>;
}

export class AccountLimiter {
  private snapshot: Snapshot | undefined;
  private refreshing: Promise<Snapshot> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly keys: FerryKeys,
  ) {
    if (!('ferryTakeTokens' in redis)) redis.defineCommand('ferryTakeTokens', { lua: TAKE_TOKENS });
  }

  /** Requests per second allowed for an account, shared by all workers; 0 removes the limit. */
  async setLimit(account: string, perSecond: number): Promise<void> {
    if (perSecond > 0) await this.redis.hset(this.keys.rateLimits(), account, String(perSecond));
    else await this.redis.hdel(this.keys.rateLimits(), account);
    this.snapshot = undefined;
  }

  /** 0 when each of the accounts may make a call now, else how long to wait. */
  async take(...accounts: string[]): Promise<number> {
    if (accounts.length === 0) return 0;
    const snapshot = await this.current(accounts);
    const now = Date.now();
    const free = accounts.every((a) => !snapshot.limited.has(a) && (snapshot.pausedUntil.get(a) ?? 0) <= now);
    if (free) return 0;
    const keys = accounts.flatMap((a) => [this.keys.bucket(a), this.keys.pause(a)]);
    const wait = await (this.redis as unknown as TakeTokens).ferryTakeTokens(1 + keys.length, this.keys.rateLimits(), ...keys, ...accounts);
    return Number(wait);
  }

  /** Stops every worker from calling this account for a while (a 429 or a risk-control answer). */
  async pause(account: string, ms: number): Promise<void> {
    await extendPause(this.redis, this.keys.pause(account), ms, this.keys.pauses());
    this.snapshot?.pausedUntil.set(account, Date.now() + ms);
  }

  private async current(accounts: string[]): Promise<Snapshot> {
    const s = this.snapshot;
    if (s && Date.now() - s.at < SNAPSHOT_MS && accounts.every((a) => s.accounts.has(a))) return s;
    this.refreshing ??= this.load(new Set([...(s?.accounts ?? []), ...accounts])).finally(() => (this.refreshing = undefined));
    this.snapshot = await this.refreshing;
    return this.snapshot;
  }

  private async load(accounts: Set<string>): Promise<Snapshot> {
    const names = [...accounts];
    const pipeline = this.redis.pipeline().hgetall(this.keys.rateLimits());
    for (const a of names) pipeline.pttl(this.keys.pause(a));
    const replies = (await pipeline.exec()) ?? [];
    const limits = (replies[0]?.[1] ?? {}) as Record<string, string>;
    const now = Date.now();
    const pausedUntil = new Map<string, number>();
    names.forEach((a, i) => {
      const ttl = Number(replies[i + 1]?.[1] ?? -2);
      if (ttl > 0) pausedUntil.set(a, now + ttl);
    });
    const limited = new Set(Object.entries(limits).filter(([, v]) => Number(v) > 0).map(([k]) => k));
    return { at: now, accounts, limited, pausedUntil };
  }
}
