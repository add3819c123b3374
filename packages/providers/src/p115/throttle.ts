import { type RequestGate, sleep } from '@ferry/core';

/** Longest pause after repeated risk-control answers. */
const MAX_PAUSE_MS = 10 * 60_000;

/**
 * One per 115 account, shared by every provider instance on it: 115 throttles per cookie, so
 * two remotes or four transfers on the same account draw from the same bucket. Risk control
 * pauses the whole account, with a pause that doubles while the refusals continue.
 */
export class AccountThrottle {
  private tokens: number;
  private refilledAt = Date.now();
  private pausedUntil = 0;
  /** Consecutive risk-control answers; reset by the first call that gets through. */
  strikes = 0;

  /** Set in hosts with several processes (workers): the bucket and pauses then live there. */
  private gate: RequestGate | undefined;

  constructor(
    private readonly account: string,
    private readonly qps: number,
    private readonly backoffMs: number,
  ) {
    this.tokens = this.capacity;
  }

  shareThrough(gate: RequestGate | undefined): void {
    this.gate ??= gate;
  }

  private get bucket(): string {
    return `p115:${this.account}`;
  }

  private get capacity(): number {
    return Math.max(1, this.qps);
  }

  /** Waits for the pause to end and for a token. */
  async take(): Promise<void> {
    for (;;) {
      const now = Date.now();
      if (now < this.pausedUntil) {
        await sleep(this.pausedUntil - now);
        continue;
      }
      if (this.gate) return this.gate.take(this.bucket, this.qps);
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.refilledAt) / 1000) * this.qps);
      this.refilledAt = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - this.tokens) / this.qps) * 1000));
    }
  }

  /** Pauses the account after a risk-control answer; returns the pause in ms. */
  pause(): number {
    this.strikes++;
    const delay = Math.min(MAX_PAUSE_MS, this.backoffMs * 2 ** (this.strikes - 1));
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + delay);
    // Other workers on this account stop too; a failure to tell them must not fail this call.
    this.gate?.pause(this.bucket, delay).catch(() => {});
    return delay;
  }

  passed(): void {
    this.strikes = 0;
  }
}

const throttles = new Map<string, AccountThrottle>();

export function throttleFor(account: string, qps: number, backoffMs: number, gate?: RequestGate): AccountThrottle {
  let t = throttles.get(account);
  if (!t) throttles.set(account, (t = new AccountThrottle(account, qps, backoffMs)));
  t.shareThrough(gate);
  return t;
}
