import type { Command } from 'commander';
import { FerryWorker, QUEUE_NAMES, type QueueName, queuePrefix, redisUrlFrom, displayRedisUrl } from '@ferry/worker';
import { formatTime } from '../format.js';
import { UsageError } from '../output.js';
import { type QueueFlags, addQueueOptions } from '../queue-options.js';

interface WorkerFlags extends QueueFlags {
  concurrency: string;
  queues?: string;
  rateLimit: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

function parseRateLimit(arg: string): [string, number] {
  const m = /^([A-Za-z0-9_][A-Za-z0-9_.-]*)=(\d+(?:\.\d+)?)$/.exec(arg);
  if (!m) throw new UsageError(`--rate-limit takes REMOTE=CALLS_PER_SECOND, got '${arg}'`);
  return [m[1]!, Number(m[2])];
}

export function addWorkerCommand(program: Command): void {
  const cmd = program
    .command('worker')
    .description('Run queued transfers: plans transfers and copies their files, until SIGTERM/SIGINT')
    .option('--concurrency <n>', 'files copied at once by this process', '4')
    .option('--queues <list>', `queues to serve, comma-separated (${QUEUE_NAMES.join(', ')})`)
    .option('--rate-limit <remote=n>', 'files started per second for a remote, shared by all workers and by every remote on its account (repeatable; 0 removes); API calls keep to the account\'s own rates, also shared', collect, []);
  addQueueOptions(cmd).action(async (flags: WorkerFlags) => {
    const concurrency = Number(flags.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
      throw new UsageError(`--concurrency must be a whole number from 1 to 256, got '${flags.concurrency}'`);
    }
    const queues = (flags.queues ? flags.queues.split(',').map((q) => q.trim()) : [...QUEUE_NAMES]) as QueueName[];
    const unknown = queues.filter((q) => !QUEUE_NAMES.includes(q));
    if (unknown.length) throw new UsageError(`unknown queue(s): ${unknown.join(', ')} (known: ${QUEUE_NAMES.join(', ')})`);
    const limits = flags.rateLimit.map(parseRateLimit);

    const redisUrl = redisUrlFrom(flags.redis);
    const prefix = queuePrefix(flags.prefix);
    const log = (line: string) => process.stdout.write(`${formatTime(Date.now())} ${line}\n`);
    const worker = await FerryWorker.start({ redisUrl, prefix, concurrency, queues, log });
    for (const [remote, perSecond] of limits) await worker.queues.limiter.setLimit(remote, perSecond);
    log(`worker: serving ${queues.join(', ')} with concurrency ${concurrency} on ${displayRedisUrl(redisUrl)} (prefix ${prefix})`);

    await new Promise<void>((resolve) => {
      let stopping = false;
      const onSignal = (signal: string) => {
        if (stopping) {
          // Active jobs keep their checkpoints in Redis: once their locks lapse, another worker
          // takes them over from their last finished part.
          log(`worker: ${signal} again: leaving active jobs to other workers`);
          process.exit(130);
        }
        stopping = true;
        log(`worker: ${signal}: finishing active jobs (send it again to hand them back now)`);
        void worker.close().finally(resolve);
      };
      process.on('SIGINT', () => onSignal('SIGINT'));
      process.on('SIGTERM', () => onSignal('SIGTERM'));
    });
    log('worker: stopped');
  });
}
