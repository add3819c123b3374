import type { Command } from 'commander';
import type { FerryQueues } from '@ferry/worker';

export interface QueueFlags {
  redis?: string;
  prefix?: string;
}

/** `--redis` and `--prefix`, the same on every command that talks to the workers' Redis. */
export function addQueueOptions(cmd: Command): Command {
  return cmd
    .option('--redis <url>', 'Redis of the workers (default $REDIS_URL, else redis://127.0.0.1:6379)')
    .option('--prefix <name>', 'queue prefix, a Redis Cluster hash tag (default $FERRY_PREFIX, else {ferry})');
}

/** Opens the queues for one command and always closes them, so the process can exit. */
export async function withQueues<T>(flags: QueueFlags, fn: (queues: FerryQueues) => Promise<T>): Promise<T> {
  // Loaded here, not at the top: `copy` without --queue never needs BullMQ.
  const { openQueues, queuePrefix, redisUrlFrom } = await import('@ferry/worker');
  const queues = await openQueues(redisUrlFrom(flags.redis), queuePrefix(flags.prefix));
  try {
    return await fn(queues);
  } finally {
    await queues.close();
    queues.redis.disconnect();
  }
}
