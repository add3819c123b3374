import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { type BackoffPolicy, defaultBackoff, retryDelay } from '@ferry/core';
import { registerAllProviders } from '@ferry/providers';
import { LockedConfigStore } from './config-lock.js';
import { fileProcessor } from './file-processor.js';
import { FILE_QUEUE, TRANSFER_QUEUE } from './keys.js';
import { Locations } from './locations.js';
import { PresenceBeat, workerName } from './presence.js';
import { FerryQueues } from './queues.js';
import { connectRedis, displayRedisUrl } from './redis.js';
import { transferProcessor } from './transfer-processor.js';

const CONNECTION_ERROR = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|Connection is closed|LOADING/;

export type QueueName = typeof TRANSFER_QUEUE | typeof FILE_QUEUE;
export const QUEUE_NAMES: readonly QueueName[] = [TRANSFER_QUEUE, FILE_QUEUE];

export interface WorkerOptions {
  redisUrl: string;
  prefix: string;
  /** Files in flight at once in this process. */
  concurrency?: number;
  queues?: readonly QueueName[];
  configPath?: string;
  backoff?: BackoffPolicy;
  /** A job whose worker stops renewing its lock for this long is handed to another worker. */
  lockDuration?: number;
  stalledInterval?: number;
  log?: (line: string) => void;
}

/** The processors of one worker process; `close` finishes active jobs, `close(true)` hands them back. */
export class FerryWorker {
  private constructor(
    readonly queues: FerryQueues,
    private readonly workers: Worker[],
    private readonly presence: PresenceBeat,
  ) {}

  static async start(options: WorkerOptions): Promise<FerryWorker> {
    registerAllProviders();
    const redis: Redis = await connectRedis(options.redisUrl);
    const queues = new FerryQueues(redis, options.prefix);
    const store = new LockedConfigStore(redis, queues.keys, options.configPath);
    // The store's own lock (Redis, then the file) reaches providers with the store.
    const locations = new Locations(store, { pacing: queues.pacing });
    const log = options.log;
    const backoff = options.backoff ?? defaultBackoff;
    const concurrency = options.concurrency ?? 4;
    const common = {
      connection: redis,
      prefix: options.prefix,
      // Recorded on each job it takes (processedBy), so `ferry serve` shows what each worker runs.
      name: workerName(),
      ...(options.lockDuration !== undefined ? { lockDuration: options.lockDuration } : {}),
      ...(options.stalledInterval !== undefined ? { stalledInterval: options.stalledInterval } : {}),
      // core's policy: exponential with jitter, and never sooner than a server's retry-after.
      settings: { backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => retryDelay(attemptsMade, err, backoff) },
    };
    const names = options.queues ?? QUEUE_NAMES;
    const workers: Worker[] = [];
    if (names.includes(TRANSFER_QUEUE)) {
      // Planning is listing-bound and light: a few at once are plenty.
      workers.push(new Worker(TRANSFER_QUEUE, transferProcessor({ queues, locations }), { ...common, concurrency: Math.min(concurrency, 4) }));
    }
    if (names.includes(FILE_QUEUE)) {
      // A file that stalls (its worker died) resumes from its checkpoint, so a few stalls are
      // survivable; BullMQ's default of one would fail it on a second crash.
      workers.push(
        new Worker(FILE_QUEUE, fileProcessor({ queues, locations, ...(log ? { log } : {}) }), { ...common, concurrency, maxStalledCount: 5 }),
      );
    }
    const where = displayRedisUrl(options.redisUrl);
    for (const w of workers) {
      let down = false;
      w.on('error', (err) => {
        if (!CONNECTION_ERROR.test(err.message)) {
          log?.(`worker: ${err.message}`);
          return;
        }
        // One line per outage, not one per reconnect attempt.
        if (down) return;
        down = true;
        log?.(`redis: ${where}: ${err.message}; reconnecting`);
      });
      w.on('ready', () => (down = false));
    }
    return new FerryWorker(queues, workers, new PresenceBeat(redis, queues.keys, names, concurrency));
  }

  async close(force = false): Promise<void> {
    this.presence.stop();
    await Promise.all(this.workers.map((w) => w.close(force)));
    await this.queues.events.flush().catch(() => {});
    await this.queues.close();
    this.queues.redis.disconnect();
  }
}
