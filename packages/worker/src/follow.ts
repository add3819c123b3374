import type { RunEvent } from '@ferry/core';
import { EVENTS_GRACE_MS, TransferEvents } from './events.js';
import type { TransferSummary } from './job-data.js';
import type { FerryQueues } from './queues.js';

export class TransferFailed extends Error {
  override readonly name = 'TransferFailed';
}

/**
 * Feeds a transfer's run events to `onEvent` until it finishes, and returns its summary. The
 * events come from any worker on any machine; the summary comes from the transfer job itself.
 */
export async function followTransfer(
  queues: FerryQueues,
  id: string,
  onEvent: (event: RunEvent) => void,
  options: { signal?: AbortSignal } = {},
): Promise<TransferSummary> {
  // XREAD BLOCK holds its connection: it gets one of its own.
  const reader = queues.redis.duplicate();
  reader.on('error', () => {});
  const events = new TransferEvents(reader, queues.keys);
  let last = '0';
  // Planned files, and files that ended: a follower that has seen fewer ends than plans when the
  // transfer completes waits a moment for the events still in workers' batches.
  let planned = 0;
  let ended = 0;
  const deliver = (batch: RunEvent[]) => {
    for (const event of batch) {
      if (event.type === 'planned') planned++;
      else if (event.type === 'file' || event.type === 'failed') ended++;
      onEvent(event);
    }
  };
  try {
    for (;;) {
      const batch = await events.read(id, last, 500);
      last = batch.last;
      deliver(batch.events);
      if (batch.events.length > 0) continue;
      const state = await queues.transfers.getJobState(id);
      if (state === 'completed') {
        const deadline = Date.now() + EVENTS_GRACE_MS;
        for (;;) {
          const more = await events.read(id, last, ended < planned ? 100 : 1);
          last = more.last;
          deliver(more.events);
          if (more.events.length === 0 && (ended >= planned || Date.now() > deadline)) break;
        }
        const job = await queues.transfers.getJob(id);
        return job!.returnvalue as TransferSummary;
      }
      if (state === 'failed') {
        const job = await queues.transfers.getJob(id);
        throw new TransferFailed(`transfer ${id} failed: ${job?.failedReason ?? 'no reason recorded'}`);
      }
      if (state === 'unknown') throw new TransferFailed(`transfer ${id} not found (cancelled, or removed after a week)`);
      if (options.signal?.aborted) throw new TransferFailed(`stopped following transfer ${id}; it keeps running`);
    }
  } finally {
    reader.disconnect();
  }
}
