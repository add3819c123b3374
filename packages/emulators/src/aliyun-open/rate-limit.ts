import { ALIYUN_RATE_LIMITS, type AliyunRateGroup } from '@ferry/protocols';

export type RateLimits = Record<AliyunRateGroup, number>;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets per (user, app, endpoint group) at the documented rates (§11). The burst is one
 * second's worth: the documents give only a rate, and a per-second window is the usual reading.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  limits: RateLimits | false;

  constructor(limits: Partial<RateLimits> | false, private readonly now: () => number) {
    this.limits = limits === false ? false : { ...ALIYUN_RATE_LIMITS, ...limits };
  }

  /** 0 when the call may go ahead, else the milliseconds until it could. */
  take(key: string, group: AliyunRateGroup): number {
    if (!this.limits) return 0;
    const rate = this.limits[group];
    const id = `${key}:${group}`;
    const t = this.now();
    const bucket = this.buckets.get(id) ?? { tokens: rate, at: t };
    bucket.tokens = Math.min(rate, bucket.tokens + ((t - bucket.at) / 1000) * rate);
    bucket.at = t;
    this.buckets.set(id, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / rate) * 1000);
  }
}
