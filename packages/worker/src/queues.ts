import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { TransferEvents } from './events.js';
import { FILE_QUEUE, FerryKeys, TRANSFER_QUEUE } from './keys.js';
import { FileStartLimits } from './file-start-limits.js';
import { RedisPacerStore } from './redis-pacer-store.js';
import { connectRedis } from './redis.js';

/** Finished jobs are kept for a week, so `ferry jobs` can still show them. */
const KEEP_FINISHED = { age: 7 * 24 * 3600 };

/**
 * The two queues of a deployment and Ferry's own keys beside them, all on one connection. The
 * transfer queue holds transfers (one job each, the flow parent); the file queue holds its files.
 */
export class FerryQueues {
  readonly keys: FerryKeys;
  readonly transfers: Queue;
  readonly files: Queue;
  readonly events: TransferEvents;
  /** Request budgets and account pauses of every provider of this deployment's workers. */
  readonly pacing: RedisPacerStore;
  readonly limiter: FileStartLimits;

  constructor(
    readonly redis: Redis,
    readonly prefix: string,
  ) {
    this.keys = new FerryKeys(prefix);
    const common = { connection: redis, prefix };
    this.transfers = new Queue(TRANSFER_QUEUE, {
      ...common,
      defaultJobOptions: { removeOnComplete: KEEP_FINISHED, removeOnFail: KEEP_FINISHED },
    });
    // Completed file jobs go at once (their results live on in the parent); failed ones stay,
    // with their reasons, for `ferry jobs show`.
    this.files = new Queue(FILE_QUEUE, { ...common, defaultJobOptions: { removeOnComplete: true, removeOnFail: KEEP_FINISHED } });
    this.transfers.on('error', () => {});
    this.files.on('error', () => {});
    this.events = new TransferEvents(redis, this.keys);
    this.pacing = new RedisPacerStore(redis, this.keys);
    this.limiter = new FileStartLimits(redis, this.keys, this.pacing);
  }

  async close(): Promise<void> {
    await Promise.all([this.transfers.close(), this.files.close()]);
  }
}

/** The queues of a deployment, for submitting and inspecting (no processors). */
export async function openQueues(redisUrl: string, prefix: string): Promise<FerryQueues> {
  return new FerryQueues(await connectRedis(redisUrl), prefix);
}
