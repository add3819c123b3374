/**
 * How one class of a provider's requests is paced, declared as data (rclone's pacer calculators):
 * the provider names its classes (Aliyun's list / download-url / other groups, 115's one budget)
 * and core's Pacer spends them, in memory for one process or in Redis for a deployment.
 */
export interface RequestClass {
  /** Calls per second one process makes; 0 leaves the class unpaced (an account pause still holds it). */
  perSecond: number;
  /** Calls that may go back to back after a quiet spell; default one second's worth, at least 1. */
  burst?: number;
  /**
   * The rate when several processes share the budget (a Redis store): their calls reach the
   * server less evenly than one process's, so a provider may keep some of the rate in hand.
   */
  sharedPerSecond?: number;
  /** Attempts a call of this class gets for a temporary failure before the engine decides; default 1. */
  attempts?: number;
  /**
   * The account-wide cool-down after a RateLimited answer (115's risk control): a pause of
   * `baseMs`, doubling with every refusal in a row up to `maxMs`, at most `pauses` times within
   * one call before the call gives up with RateLimited. Without it a RateLimited answer pauses
   * the account for the server's retry-after and goes to the engine at once.
   */
  coolDown?: CoolDown;
}

export interface CoolDown {
  baseMs: number;
  maxMs: number;
  pauses: number;
}

export type RequestClasses = Readonly<Record<string, RequestClass>>;

/**
 * The name every budget and pause of one account lives under, derived once from the service (a
 * provider type and the endpoint it talks to) and the user id the service knows the login by:
 * two remotes on one login share it, two logins never do.
 */
export function accountKey(service: string, userId: string): string {
  return `${service}|${userId}`;
}

/** The rate and burst a class spends in `store`: a shared store gets the shared rate and half a second's burst. */
export function effectiveRate(cls: RequestClass, shared: boolean): { perSecond: number; burst: number } {
  const perSecond = shared ? (cls.sharedPerSecond ?? cls.perSecond) : cls.perSecond;
  const burst = shared ? Math.max(1, perSecond / 2) : (cls.burst ?? Math.max(1, perSecond));
  return { perSecond, burst };
}
