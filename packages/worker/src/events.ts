import type { Redis } from 'ioredis';
import type { RunEvent } from '@ferry/core';
import type { FerryKeys } from './keys.js';

/** A day is long enough for anyone following a transfer; the stream then goes by itself. */
const EVENTS_TTL_S = 24 * 3600;
/** Followers that join late miss the oldest events only; the summary never depends on them. */
const EVENTS_MAX = 50_000;
/** Events of many files go out together: a round trip per file would cost more than a tiny copy. */
const FLUSH_MS = 100;
/** How long a follower waits after the end, at most, for events still in a worker's buffer. */
export const EVENTS_GRACE_MS = 3000;

/**
 * The run events of a transfer (the very RunEvents of the in-process runner), in a Redis stream,
 * so `--wait` drives the same progress bar from any machine.
 */
export class TransferEvents {
  constructor(
    private readonly redis: Redis,
    private readonly keys: FerryKeys,
  ) {}

  private pending = new Map<string, RunEvent[]>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  async publish(transferId: string, events: RunEvent[]): Promise<void> {
    if (events.length === 0) return;
    const key = this.keys.events(transferId);
    await this.redis
      .multi()
      .xadd(key, 'MAXLEN', '~', String(EVENTS_MAX), '*', 'e', JSON.stringify(events))
      .expire(key, EVENTS_TTL_S)
      .exec();
  }

  /** Publishes within FLUSH_MS, together with whatever else arrives meanwhile. */
  queue(transferId: string, events: RunEvent[]): void {
    if (events.length === 0) return;
    const list = this.pending.get(transferId);
    if (list) list.push(...events);
    else this.pending.set(transferId, [...events]);
    this.timer ??= setTimeout(() => void this.flush().catch(() => {}), FLUSH_MS);
  }

  async flush(): Promise<void> {
    await this.flushing;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    if (batch.size === 0) return;
    this.pending = new Map();
    this.flushing = Promise.all([...batch].map(([id, events]) => this.publish(id, events))).then(() => {});
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  /** Events after `from` ("0" for all), waiting up to `blockMs` for new ones. */
  async read(transferId: string, from: string, blockMs: number): Promise<{ last: string; events: RunEvent[] }> {
    const reply = (await this.redis.xread('COUNT', 1000, 'BLOCK', blockMs, 'STREAMS', this.keys.events(transferId), from)) as
      | [string, [string, string[]][]][]
      | null;
    const entries = reply?.[0]?.[1] ?? [];
    let last = from;
    const events: RunEvent[] = [];
    for (const [id, fields] of entries) {
      last = id;
      const json = fields[1];
      if (json) events.push(...(JSON.parse(json) as RunEvent[]));
    }
    return { last, events };
  }
}
