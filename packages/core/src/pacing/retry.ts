import { RateLimited, isRetryable } from '../errors.js';
import type { RequestClass } from './classes.js';

/**
 * What a Pacer does with a failed call: send it again (after `waitMs`, on top of any pause the
 * store holds), or give the error to the engine. `pauseMs` > 0 pauses the whole account first.
 */
export interface RetryDecision {
  retry: boolean;
  /** Pause of the account, shared by every call and (in a shared store) every process. */
  pauseMs: number;
  /** How long this call waits before its next attempt (besides the pause). */
  waitMs: number;
  /** What the engine gets when the call gives up. */
  error: unknown;
}

/** A temporary failure's wait before the next attempt: 0.5 s, 1 s, 2 s, … */
export function transientWait(attempt: number): number {
  return 250 * 2 ** attempt;
}

/**
 * The one place a request's retry is decided, from the typed error alone. `attempt` counts this
 * call's attempts (from 1), `strikes` the account's RateLimited answers in a row, this one included.
 */
export function retryDecision(err: unknown, cls: RequestClass, attempt: number, strikes: number): RetryDecision {
  if (err instanceof RateLimited) {
    const cool = cls.coolDown;
    const pauseMs = Math.max(err.retryAfterMs, cool ? Math.min(cool.maxMs, cool.baseMs * 2 ** (strikes - 1)) : 0);
    if (cool && strikes <= cool.pauses) return { retry: true, pauseMs, waitMs: 0, error: err };
    const error = cool
      ? new RateLimited(`${err.message} persists; paused ${Math.round(pauseMs / 1000)} s, try again later`, pauseMs, { cause: err })
      : err;
    return { retry: false, pauseMs, waitMs: 0, error };
  }
  if (isRetryable(err) && attempt < (cls.attempts ?? 1)) return { retry: true, pauseMs: 0, waitMs: transientWait(attempt), error: err };
  return { retry: false, pauseMs: 0, waitMs: 0, error: err };
}
