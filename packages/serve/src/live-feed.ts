import { type Deployment, type FerryQueues, type ScheduleInfo, type TransferInfo, deploymentStatus, listSchedules, listTransfers } from '@ferry/worker';

export interface Snapshot {
  at: number;
  transfers: TransferInfo[];
  deployment: Deployment;
  schedules: ScheduleInfo[];
}

/** One read of the queue per interval, whatever the number of open pages. */
const INTERVAL_MS = 1000;
/**
 * A running transfer's counts are read from all its finished children, so a read grows with the
 * transfer; waiting this many times a read's own duration keeps the feed under a tenth of the
 * Redis and CPU time the workers share with it (the queue bench saw +22% wall at a fixed 1 s).
 */
const IDLE_PER_READ = 9;

/**
 * The dashboard's live view: read from Redis at most once per second while at least one page listens,
 * never when none does, so an idle `ferry serve` costs the workers nothing.
 */
export class LiveFeed {
  private readonly listeners = new Set<(snap: Snapshot) => void>();
  private timer: NodeJS.Timeout | undefined;
  private reading = false;
  private last: Snapshot | undefined;

  constructor(
    private readonly queues: FerryQueues,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  static async snapshot(queues: FerryQueues): Promise<Snapshot> {
    const [transfers, deployment, schedules] = await Promise.all([listTransfers(queues, 50), deploymentStatus(queues), listSchedules(queues)]);
    return { at: Date.now(), transfers, deployment, schedules };
  }

  subscribe(listener: (snap: Snapshot) => void): () => void {
    this.listeners.add(listener);
    if (this.last) listener(this.last);
    if (!this.timer && !this.reading) this.tick();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size > 0) return;
      clearTimeout(this.timer);
      this.timer = undefined;
      this.last = undefined;
    };
  }

  /** The next read starts a pause after the last one ended: a slow Redis is never asked twice at once. */
  private tick(): void {
    this.timer = undefined;
    this.reading = true;
    const started = Date.now();
    LiveFeed.snapshot(this.queues)
      .then(
        (snap) => {
          this.last = snap;
          for (const l of this.listeners) l(snap);
        },
        (err: unknown) => this.onError(err),
      )
      .finally(() => {
        this.reading = false;
        const pause = Math.max(INTERVAL_MS, (Date.now() - started) * IDLE_PER_READ);
        if (this.listeners.size > 0) this.timer = setTimeout(() => this.tick(), pause);
      });
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }
}
