import { type TransferJobData, type TransferSpecInput, transferSpecSchema } from './job-data.js';
import { newTransferId, transferKey } from './job-ids.js';
import type { FerryQueues } from './queues.js';

const UNFINISHED = new Set(['active', 'waiting', 'waiting-children', 'delayed', 'prioritized']);

export interface Submitted {
  id: string;
  /** The same transfer was already queued or running: nothing new was added. */
  existing: boolean;
}

/**
 * Queues a transfer, unless the same one (same mode, paths and options) is still unfinished: its
 * id is returned instead, so submitting twice never plans the work twice.
 */
export async function submitTransfer(queues: FerryQueues, input: TransferSpecInput): Promise<Submitted> {
  const spec = transferSpecSchema.parse(input);
  const key = transferKey(spec);
  const runningKey = queues.keys.running(key);
  const id = newTransferId();
  if ((await queues.redis.set(runningKey, id, 'NX')) !== 'OK') {
    const current = await queues.redis.get(runningKey);
    if (current && UNFINISHED.has(await queues.transfers.getJobState(current))) return { id: current, existing: true };
    await queues.redis.set(runningKey, id);
  }
  const data: TransferJobData = { spec, key, step: 'plan' };
  // Planning retries temporary errors (a listing that timed out); its own files retry apart.
  await queues.transfers.add(spec.mode, data, { jobId: id, attempts: 3, backoff: { type: 'ferry' } });
  return { id, existing: false };
}

/** Lets the next submission of the same transfer start afresh (only if this run still holds it). */
export async function releaseTransferKey(queues: FerryQueues, key: string, id: string): Promise<void> {
  await queues.redis.eval(
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
    1,
    queues.keys.running(key),
    id,
  );
}
