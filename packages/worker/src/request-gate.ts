import { type RequestGate, sleep } from '@ferry/core';
import type { Redis } from 'ioredis';
import type { FerryKeys } from './keys.js';
import { extendPause } from './pause-key.js';

/**
 * One token bucket per request bucket (an account's API, or one rate group of it), kept in Redis
 * so every worker on every machine spends the same budget. A call reserves its slot in one round
 * trip: the bucket may go below zero, and the caller sleeps off the debt, so callers queue in the
 * order they asked. Redis's clock decides, so worker clocks may drift. The burst is half a
 * second's worth: calls of several processes reach the server with more jitter than one's.
 *
 * KEYS: bucket hash, pause key. ARGV: rate per second.
 * Returns 0 (go now), -N (slot reserved, go in N ms) or +N (paused: ask again in N ms).
 */
const RESERVE = `
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then return pause end
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local rate = tonumber(ARGV[1])
local burst = math.max(1, rate / 2)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - at) * rate / 1000) - 1
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1000)
if tokens >= 0 then return 0 end
return -math.ceil(-tokens * 1000 / rate)
`;

interface Reserve {
  ferryReserve(numKeys: number, ...args: string[]): Promise<number>;
}

export class RedisRequestGate implements RequestGate {
  constructor(
    private readonly redis: Redis,
    private readonly keys: FerryKeys,
  ) {
    if (!('ferryReserve' in redis)) redis.defineCommand('ferryReserve', { lua: RESERVE });
  }

  /** One reservation: 0 go now, -N go in N ms, +N paused for N ms (nothing reserved). */
  async reserve(bucket: string, perSecond: number): Promise<number> {
    const reply = await (this.redis as unknown as Reserve).ferryReserve(2, this.keys.gate(bucket), this.keys.gatePause(bucket), String(perSecond));
    return Number(reply);
  }

  async take(bucket: string, perSecond: number): Promise<void> {
    for (;;) {
      const reply = await this.reserve(bucket, perSecond);
      if (reply <= 0) {
        if (reply < 0) await sleep(-reply);
        return;
      }
      await sleep(reply);
    }
  }

  async pause(bucket: string, ms: number): Promise<void> {
    await extendPause(this.redis, this.keys.gatePause(bucket), ms, this.keys.pauses());
  }
}
