import type { RequestGate } from '@ferry/core';
import { ALIYUN_RATE_LIMITS, type AliyunRateGroup } from '@ferry/protocols';

/**
 * Requests of one group spaced at the documented rate. Clients run a little under it (OpenList
 * uses 3.9/0.9/14.9 per second) so timer jitter never lands a call over the server's limit.
 * With the host's shared gate (workers), every process spends one budget.
 */
export class RequestSpacer {
  private next = 0;
  private readonly intervalMs: number;

  constructor(
    private readonly perSecond: number,
    private readonly shared?: { gate: RequestGate; bucket: string },
  ) {
    this.intervalMs = 1000 / perSecond;
  }

  async take(): Promise<void> {
    if (this.shared) return this.shared.gate.take(this.shared.bucket, this.perSecond);
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + this.intervalMs;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }
}

/** `account` names the budget in the shared gate: the same name in every process. */
export function accountSpacers(account: string, gate?: RequestGate): Record<AliyunRateGroup, RequestSpacer> {
  // Shared budgets keep a tenth in hand: several processes' calls arrive less evenly than one's.
  const spacer = (group: AliyunRateGroup) =>
    gate
      ? new RequestSpacer(ALIYUN_RATE_LIMITS[group] * 0.9, { gate, bucket: `aliyun-open:${account}:${group}` })
      : new RequestSpacer(ALIYUN_RATE_LIMITS[group] - 0.1);
  return { list: spacer('list'), download: spacer('download'), other: spacer('other') };
}
