import { type BucketRate, type PacerStore, spend } from './store.js';

/** Budgets and pauses of one process: what the CLI paces with. */
export class MemoryPacerStore implements PacerStore {
  readonly shared = false;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly pausedUntil = new Map<string, number>();

  async reserve(account: string, bucket: string, rate: BucketRate, queue: boolean): Promise<number> {
    const now = Date.now();
    const paused = (this.pausedUntil.get(account) ?? 0) - now;
    if (paused > 0) return paused;
    if (rate.perSecond <= 0) return 0;
    const key = `${account}\n${bucket}`;
    const { reply, tokens } = spend(this.buckets.get(key), now, rate, queue);
    this.buckets.set(key, { tokens, at: now });
    return reply;
  }

  async pause(account: string, ms: number): Promise<void> {
    this.pausedUntil.set(account, Math.max(this.pausedUntil.get(account) ?? 0, Date.now() + ms));
  }
}
