import { type BandwidthSlot, parseBandwidth, rateAt } from './rclone-units.js';
import { sleep } from './backoff.js';

/** Where the limit reads the time and how it waits; tests pass a clock of their own. */
export interface BandwidthClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: BandwidthClock = { now: () => Date.now(), sleep };

/**
 * A token bucket over bytes, shared by every transfer of one process (`--bwlimit`): each chunk
 * of a streamed copy waits until the bucket holds its bytes. The bucket holds at most one second
 * of the current rate, so a pause is never made up with a burst. The rate follows the timetable
 * by local time of day, checked at every chunk.
 */
export class BandwidthLimit {
  private readonly slots: BandwidthSlot[];
  private tokens = 0;
  private refilledAt: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly spec: string,
    private readonly clock: BandwidthClock = realClock,
  ) {
    this.slots = parseBandwidth(spec);
    this.refilledAt = clock.now();
  }

  /** Resolves once `n` bytes may go; callers are served in order. */
  take(n: number): Promise<void> {
    const turn = this.queue.then(() => this.wait(n));
    this.queue = turn.catch(() => {});
    return turn;
  }

  private async wait(n: number): Promise<void> {
    const at = this.clock.now();
    const rate = rateAt(this.slots, new Date(at));
    if (rate === undefined) {
      this.refilledAt = at;
      return;
    }
    this.tokens = Math.min(rate, this.tokens + ((at - this.refilledAt) / 1000) * rate);
    this.refilledAt = at;
    this.tokens -= n;
    // In debt: wait until the bytes are paid for, at most a second at a time so a timetable
    // switch (to off, or to a faster rate) takes effect promptly.
    if (this.tokens < 0) await this.clock.sleep(Math.min(1000, Math.ceil((-this.tokens / rate) * 1000)));
  }
}
