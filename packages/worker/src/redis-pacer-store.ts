import type { BucketRate, PacerStore } from '@ferry/core';
import type { Redis } from 'ioredis';
import type { FerryKeys } from './keys.js';
import { extendPause } from './pause-key.js';

/**
 * core's token arithmetic (pacing/store.ts `spend`) in Redis, so every worker on every machine
 * spends one budget per account and honours one pause. Redis's clock decides, so worker clocks
 * may drift. With `queue` a call reserves its slot in one round trip: the bucket may go below
 * zero and the caller sleeps off the debt, so callers line up in the order they asked.
 *
 * KEYS: bucket hash, account pause key. ARGV: rate per second (0: unpaced), burst, queue (1/0).
 * Returns 0 (go now), -N (slot reserved, go in N ms) or +N (nothing reserved: ask again in N ms).
 */
const RESERVE = `
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then return pause end
local rate = tonumber(ARGV[1])
if rate <= 0 then return 0 end
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = burst
if state[1] then tokens = math.min(burst, tonumber(state[1]) + (now - tonumber(state[2])) * rate / 1000) end
local reply
if tokens < 1 and ARGV[3] ~= '1' then
  reply = math.ceil((1 - tokens) * 1000 / rate)
else
  tokens = tokens - 1
  if tokens >= 0 then reply = 0 else reply = -math.ceil(-tokens * 1000 / rate) end
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1000)
return reply
`;

/** ioredis sends a defined command by its SHA (EVALSHA), the script text only once. */
interface Reserve {
  ferryReserve(numKeys: number, ...args: string[]): Promise<number>;
}

/**
 * An unpaced class (S3's requests, jobs of a remote without --rate-limit) asks Redis about its
 * account's pause at most this often, not once per request.
 */
const PAUSE_SNAPSHOT_MS = 500;

export class RedisPacerStore implements PacerStore {
  readonly shared = true;
  private readonly pauses = new Map<string, { at: number; until: Promise<number> }>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: FerryKeys,
  ) {
    if (!('ferryReserve' in redis)) redis.defineCommand('ferryReserve', { lua: RESERVE });
  }

  async reserve(account: string, bucket: string, rate: BucketRate, queue: boolean): Promise<number> {
    if (rate.perSecond <= 0) return Math.max(0, (await this.pausedUntil(account)) - Date.now());
    const reply = await (this.redis as unknown as Reserve).ferryReserve(
      2,
      this.keys.bucket(account, bucket),
      this.keys.pause(account),
      String(rate.perSecond),
      String(rate.burst),
      queue ? '1' : '0',
    );
    return Number(reply);
  }

  async pause(account: string, ms: number): Promise<void> {
    await extendPause(this.redis, this.keys.pause(account), ms, this.keys.pauses());
    this.pauses.delete(account);
  }

  /** When the account's pause ends (0: none), as Redis said within the last PAUSE_SNAPSHOT_MS. */
  private pausedUntil(account: string): Promise<number> {
    const hit = this.pauses.get(account);
    if (hit && Date.now() - hit.at < PAUSE_SNAPSHOT_MS) return hit.until;
    const until = this.redis.pttl(this.keys.pause(account)).then((ttl) => (ttl > 0 ? Date.now() + ttl : 0));
    until.catch(() => this.pauses.delete(account));
    this.pauses.set(account, { at: Date.now(), until });
    return until;
  }
}
