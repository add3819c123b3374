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

/** This process as workers name themselves: the name BullMQ records on the jobs it runs (processedBy). */
export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}

/** What a live worker's own key holds (`ferry serve` lists them). */
export interface WorkerPresence {
  name: string;
  queues: string[];
  concurrency?: number;
  startedAt: number;
}

/** Keeps this process's queues marked as served, and the process itself listed, until `stop`. */
export class PresenceBeat {
  private readonly timer: NodeJS.Timeout;
  private readonly self: WorkerPresence;

  constructor(
    private readonly redis: Redis,
    private readonly keys: FerryKeys,
    private readonly queues: readonly string[],
    concurrency?: number,
  ) {
    this.self = { name: workerName(), queues: [...queues], ...(concurrency !== undefined ? { concurrency } : {}), startedAt: Date.now() };
    this.beat();
    this.timer = setInterval(() => this.beat(), RENEW_MS);
    this.timer.unref();
  }

  private beat(): void {
    const who = this.self.name;
    // A beat lost to a Redis outage is made up by the next; the worker's own reconnect logs it.
    for (const queue of this.queues) this.redis.set(this.keys.served(queue), who, 'PX', PRESENCE_TTL_MS).catch(() => {});
    this.redis
      .multi()
      .set(this.keys.worker(who), JSON.stringify(this.self), 'PX', PRESENCE_TTL_MS)
      .zadd(this.keys.workers(), Date.now() + PRESENCE_TTL_MS, this.keys.worker(who))
      .exec()
      .catch(() => {});
  }

  /** Stops renewing; the queue keys are left to expire, since other workers may be serving the same queues. */
  stop(): void {
    clearInterval(this.timer);
    const key = this.keys.worker(this.self.name);
    this.redis.multi().del(key).zrem(this.keys.workers(), key).exec().catch(() => {});
  }
}

/** The queues of the deployment that no live worker serves (empty when all are served). */
export async function unservedQueues(redis: Redis, keys: FerryKeys): Promise<string[]> {
  const served = await Promise.all(SERVED_QUEUES.map((q) => redis.exists(keys.served(q))));
  return SERVED_QUEUES.filter((_, i) => served[i] === 0);
}

/** Every worker whose heartbeat has not lapsed. */
export async function liveWorkers(redis: Redis, keys: FerryKeys): Promise<WorkerPresence[]> {
  // Entries of workers that died without a word are dropped here, by anyone who reads the list.
  await redis.zremrangebyscore(keys.workers(), '-inf', Date.now());
  const names = await redis.zrange(keys.workers(), 0, -1);
  if (names.length === 0) return [];
  const values = await redis.mget(...names);
  const out: WorkerPresence[] = [];
  for (const raw of values) {
    if (!raw) continue;
    try {
      const w = JSON.parse(raw) as WorkerPresence;
      if (typeof w.name === 'string' && Array.isArray(w.queues)) out.push(w);
    } catch {
      // A key written by another version: left out rather than guessed at.
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
