import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { FILE_QUEUE, type FerryKeys, TRANSFER_QUEUE } from './keys.js';

/**
 * Whether any worker serves a queue, told by a key per queue that every worker serving it sets
 * with a TTL and renews well within it. Not BullMQ's Queue.getWorkers(): that reads CLIENT LIST,
 * which some managed Redis refuse and which on a Cluster answers for one node only. These keys
 * carry the deployment's hash tag, so they live in the queues' own slot, and they expire by
 * themselves when the last worker dies, however it died.
 */
const PRESENCE_TTL_MS = 15_000;
const RENEW_MS = 5_000;
const SERVED_QUEUES = [TRANSFER_QUEUE, FILE_QUEUE] as const;

/** Keeps this process's queues marked as served until `stop`. */
export class PresenceBeat {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly keys: FerryKeys,
    private readonly queues: readonly string[],
  ) {
    this.beat();
    this.timer = setInterval(() => this.beat(), RENEW_MS);
    this.timer.unref();
  }

  private beat(): void {
    const who = `${hostname()}:${process.pid}`;
    for (const queue of this.queues) {
      // A beat lost to a Redis outage is made up by the next; the worker's own reconnect logs it.
      this.redis.set(this.keys.served(queue), who, 'PX', PRESENCE_TTL_MS).catch(() => {});
    }
  }

  /** Stops renewing; the keys are left to expire, since other workers may be serving the same queues. */
  stop(): void {
    clearInterval(this.timer);
  }
}

/** The queues of the deployment that no live worker serves (empty when all are served). */
export async function unservedQueues(redis: Redis, keys: FerryKeys): Promise<string[]> {
  const served = await Promise.all(SERVED_QUEUES.map((q) => redis.exists(keys.served(q))));
  return SERVED_QUEUES.filter((_, i) => served[i] === 0);
}
