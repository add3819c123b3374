import { type RequestClass, type RequestClasses, accountKey } from '@ferry/core';
import { ALIYUN_RATE_LIMITS, type AliyunRateGroup } from '@ferry/protocols';

/**
 * The documented rate groups (list, download URL, everything else), each spaced a little under
 * its limit (OpenList uses 3.9/0.9/14.9 per second) so timer jitter never lands a call over it.
 * Shared by several processes, whose calls arrive less evenly, a tenth stays in hand. A 429
 * pauses the account for the server's x-retry-after and goes to the engine.
 */
export const aliyunRequestClasses: RequestClasses = Object.fromEntries(
  (Object.entries(ALIYUN_RATE_LIMITS) as [AliyunRateGroup, number][]).map(([group, limit]): [string, RequestClass] => [
    group,
    { perSecond: limit - 0.1, burst: 1, sharedPerSecond: limit * 0.9 },
  ]),
);

/** The account behind a login on one endpoint: the user id getDriveInfo answers. */
export function aliyunAccount(endpoint: string, userId: string): string {
  return accountKey(`aliyun-open@${endpoint}`, userId);
}
