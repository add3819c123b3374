import { Job } from 'bullmq';
import type { FerryQueues } from './queues.js';

const FINISHED = new Set(['completed', 'failed', 'unknown']);

/**
 * One run at a time per schedule: a run takes the schedule's slot and keeps it until its files are
 * done (which may be long after the next cron tick). A slot whose holder has finished or vanished
 * (a crash, a removal) is taken over.
 */
export async function claimScheduleRun(queues: FerryQueues, schedule: string, jobId: string): Promise<boolean> {
  const key = queues.keys.scheduleRun(schedule);
  if ((await queues.redis.set(key, jobId, 'NX')) === 'OK') return true;
  const holder = await queues.redis.get(key);
  if (holder === jobId) return true;
  if (!holder) return (await queues.redis.set(key, jobId, 'NX')) === 'OK';
  const job = await Job.fromId(queues.transfers, holder);
  if (job && !FINISHED.has(await job.getState())) return false;
  // Compare-and-set: two runs racing for a stale slot must not both win.
  const won = await queues.redis.eval(
    "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end return 0",
    1,
    key,
    holder,
    jobId,
  );
  return won === 1;
}

export async function releaseScheduleRun(queues: FerryQueues, schedule: string, jobId: string): Promise<void> {
  await queues.redis.eval(
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
    1,
    queues.keys.scheduleRun(schedule),
    jobId,
  );
}
