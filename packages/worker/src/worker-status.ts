import type { Redis } from 'ioredis';
import type { FerryKeys } from './keys.js';
import { type WorkerPresence, liveWorkers, unservedQueues } from './presence.js';
import type { FerryQueues } from './queues.js';

export interface RunningJob {
  queue: string;
  jobId: string;
  transferId: string;
  /** The file a file job copies, or how many files a batch holds. */
  rel?: string;
  files?: number;
}

export interface WorkerStatus extends WorkerPresence {
  running: RunningJob[];
}

export interface PausedAccount {
  /** An account key (Provider.pacingAccount): its requests and job starts wait. */
  name: string;
  kind: 'rate-limit';
  until: number;
}

export interface Deployment {
  workers: WorkerStatus[];
  unserved: string[];
  paused: PausedAccount[];
}

/** At most this many active jobs are read; a larger deployment shows the first ones. */
const ACTIVE_READ = 500;

/** Accounts the workers hold back after a 429 or risk control, and until when (Redis's TTLs). */
async function pausedAccounts(redis: Redis, keys: FerryKeys): Promise<PausedAccount[]> {
  await redis.zremrangebyscore(keys.pauses(), '-inf', Date.now());
  const found = await redis.zrange(keys.pauses(), 0, -1);
  const ttls = await Promise.all(found.map((k) => redis.pttl(k)));
  const stem = keys.pause('');
  const out: PausedAccount[] = [];
  found.forEach((key, i) => {
    const ttl = ttls[i]!;
    if (ttl > 0 && key.startsWith(stem)) out.push({ name: key.slice(stem.length), kind: 'rate-limit', until: Date.now() + ttl });
  });
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The live workers with the jobs each is running, the queues none serves, and the paused accounts. */
export async function deploymentStatus(queues: FerryQueues): Promise<Deployment> {
  const [workers, unserved, paused, transfers, files] = await Promise.all([
    liveWorkers(queues.redis, queues.keys),
    unservedQueues(queues.redis, queues.keys),
    pausedAccounts(queues.redis, queues.keys),
    queues.transfers.getJobs(['active'], 0, ACTIVE_READ - 1),
    queues.files.getJobs(['active'], 0, ACTIVE_READ - 1),
  ]);
  const byWorker = new Map<string, RunningJob[]>();
  const add = (worker: string | undefined, job: RunningJob) => {
    if (!worker) return;
    const list = byWorker.get(worker) ?? [];
    list.push(job);
    byWorker.set(worker, list);
  };
  for (const job of transfers) if (job?.id) add(job.processedBy, { queue: 'transfers', jobId: job.id, transferId: job.id });
  for (const job of files) {
    if (!job?.id) continue;
    const data = (job.data ?? {}) as { transferId?: unknown; rel?: unknown; files?: unknown };
    if (typeof data.transferId !== 'string') continue;
    add(job.processedBy, {
      queue: 'files',
      jobId: job.id,
      transferId: data.transferId,
      ...(typeof data.rel === 'string' ? { rel: data.rel } : {}),
      ...(Array.isArray(data.files) ? { files: data.files.length } : {}),
    });
  }
  return { workers: workers.map((w) => ({ ...w, running: byWorker.get(w.name) ?? [] })), unserved, paused };
}
