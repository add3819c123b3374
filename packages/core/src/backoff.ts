import { RateLimited } from './errors.js';

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };

/** Exponential backoff with ±25% jitter, never shorter than a server's own retry-after. */
export function retryDelay(attempt: number, error: unknown, policy: BackoffPolicy = defaultBackoff): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exp * (0.75 + Math.random() * 0.5);
  const floor = error instanceof RateLimited ? error.retryAfterMs : 0;
  return Math.round(Math.max(jittered, floor));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
