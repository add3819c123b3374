/** The rate one bucket is spent at: `perSecond` (0: unpaced), up to `burst` calls back to back. */
export interface BucketRate {
  perSecond: number;
  burst: number;
}

/**
 * Where the Pacer keeps its token buckets and account pauses: in memory for one process (the
 * CLI), in Redis for every worker of a deployment. Both implement the same arithmetic, so a
 * provider paces alike under either.
 */
export interface PacerStore {
  /** Whether several processes spend these budgets (their calls reach a server less evenly). */
  readonly shared: boolean;
  /**
   * Asks for one call from `bucket` of `account`. 0: go now. -N: a slot is reserved, go in N ms
   * (with `queue`, callers line up behind each other's debt). +N: nothing was reserved, ask again
   * in N ms: the account is paused, or (without `queue`) the bucket holds no token yet.
   */
  reserve(account: string, bucket: string, rate: BucketRate, queue: boolean): Promise<number>;
  /** Holds every call of `account` for `ms` (a pause only ever grows). */
  pause(account: string, ms: number): Promise<void>;
}

/** The token arithmetic both stores share; the Redis script mirrors it line by line. */
export function spend(
  state: { tokens: number; at: number } | undefined,
  now: number,
  rate: BucketRate,
  queue: boolean,
): { reply: number; tokens: number } {
  const prior = state ? Math.min(rate.burst, state.tokens + ((now - state.at) * rate.perSecond) / 1000) : rate.burst;
  if (prior < 1 && !queue) return { reply: Math.ceil(((1 - prior) * 1000) / rate.perSecond), tokens: prior };
  const tokens = prior - 1;
  return { reply: tokens >= 0 ? 0 : -Math.ceil((-tokens * 1000) / rate.perSecond), tokens };
}
