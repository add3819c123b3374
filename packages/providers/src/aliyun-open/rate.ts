import { ALIYUN_RATE_LIMITS, type AliyunRateGroup } from '@ferry/protocols';

/**
 * Requests of one group spaced at the documented rate. Clients run a little under it (OpenList
 * uses 3.9/0.9/14.9 per second) so timer jitter never lands a call over the server's limit.
 */
export class RequestSpacer {
  private next = 0;
  private readonly intervalMs: number;

  constructor(perSecond: number) {
    this.intervalMs = 1000 / perSecond;
  }

  async take(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + this.intervalMs;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }
}

export function accountSpacers(): Record<AliyunRateGroup, RequestSpacer> {
  return {
    list: new RequestSpacer(ALIYUN_RATE_LIMITS.list - 0.1),
    download: new RequestSpacer(ALIYUN_RATE_LIMITS.download - 0.1),
    other: new RequestSpacer(ALIYUN_RATE_LIMITS.other - 0.1),
  };
}
