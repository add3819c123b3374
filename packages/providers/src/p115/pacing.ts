import { type RequestClasses, accountKey } from '@ferry/core';
import type { P115Options } from './options.js';

/** Longest pause after repeated risk-control answers. */
const MAX_PAUSE_MS = 10 * 60_000;
/** Risk-control pauses in a row before a call gives up and lets the engine decide. */
const MAX_PAUSES = 6;
/** Attempts for 5xx answers and dropped connections before a call gives up. */
const MAX_ATTEMPTS = 4;

/**
 * 115 throttles per cookie: one budget for every call of the account (webapi, proapi, uplb), and
 * risk control (HTTP 405, errno 911/590075) pauses the whole account, doubling while it lasts.
 */
export function p115RequestClasses(options: Pick<P115Options, 'qps' | 'backoff_ms'>): RequestClasses {
  return {
    api: { perSecond: options.qps, attempts: MAX_ATTEMPTS, coolDown: { baseMs: options.backoff_ms, maxMs: MAX_PAUSE_MS, pauses: MAX_PAUSES } },
  };
}

/**
 * The account behind a login on one 115 deployment (its webapi host): the cookie's user id, or
 * "anonymous" for cookie-less share listings, which 115 throttles per IP.
 */
export function p115Account(webapiUrl: string, userId: string): string {
  return accountKey(`p115@${webapiUrl.replace(/\/+$/, '')}`, userId || 'anonymous');
}
