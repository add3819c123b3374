import { BadInput } from '@ferry/core';
import { type TransferJobData, type TransferSpec, type TransferSpecInput, transferSpecSchema } from './job-data.js';
import { newTransferId } from './job-ids.js';
import type { FerryQueues } from './queues.js';

const SCHEDULE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export interface ScheduleInfo {
  name: string;
  cron: string;
  next?: number;
  spec?: TransferSpec;
}

function checkName(name: string): void {
  if (!SCHEDULE_NAME.test(name)) throw new BadInput(`schedule names use letters, digits, _ . - (got '${name}')`);
}

/**
 * A cron sync is a BullMQ job scheduler on the transfer queue: adding the same name again
 * replaces it (upsert), and each tick adds one transfer job, which runs only when the
 * schedule's previous run has finished (see schedule-runs.ts).
 */
export async function addSchedule(queues: FerryQueues, name: string, cron: string, input: TransferSpecInput): Promise<ScheduleInfo> {
  checkName(name);
  const spec = transferSpecSchema.parse(input);
  const data: TransferJobData = { spec, schedule: name, step: 'plan' };
  try {
    await queues.transfers.upsertJobScheduler(name, { pattern: cron }, { name: spec.mode, data, opts: { attempts: 3, backoff: { type: 'ferry' } } });
  } catch (err) {
    throw new BadInput(`schedule '${name}': invalid cron "${cron}": ${(err as Error).message}`);
  }
  return (await listSchedules(queues)).find((s) => s.name === name) ?? { name, cron, spec };
}

export async function listSchedules(queues: FerryQueues): Promise<ScheduleInfo[]> {
  const schedulers = await queues.transfers.getJobSchedulers(0, -1, true);
  return schedulers.map((s) => {
    const data = (s.template?.data ?? {}) as { spec?: unknown };
    const spec = transferSpecSchema.safeParse(data.spec);
    return {
      name: s.key,
      cron: s.pattern ?? (s.every ? `every ${s.every} ms` : '?'),
      ...(s.next !== undefined ? { next: s.next } : {}),
      ...(spec.success ? { spec: spec.data } : {}),
    };
  });
}

/**
 * Runs a schedule now, as one of its own runs: it waits for none, and like a cron tick it does
 * nothing when the schedule's previous run is still going.
 */
export async function runScheduleNow(queues: FerryQueues, name: string): Promise<string> {
  checkName(name);
  const found = (await listSchedules(queues)).find((s) => s.name === name);
  if (!found?.spec) throw new BadInput(`no schedule '${name}' (see \`ferry schedule list\`)`);
  const data: TransferJobData = { spec: found.spec, schedule: name, step: 'plan' };
  const job = await queues.transfers.add(found.spec.mode, data, { jobId: newTransferId(), attempts: 3, backoff: { type: 'ferry' } });
  return job.id!;
}

export async function removeSchedule(queues: FerryQueues, name: string): Promise<boolean> {
  checkName(name);
  const removed = await queues.transfers.removeJobScheduler(name);
  await queues.redis.del(queues.keys.scheduleRun(name));
  return removed;
}
