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
  try {
    for (;;) {
      const batch = await events.read(id, last, 500);
      last = batch.last;
      batch.events.forEach(onEvent);
      if (batch.events.length > 0) continue;
      const state = await queues.transfers.getJobState(id);
      if (state === 'completed') {
        // Workers send events in batches: the last of them may trail the end by a moment.
        for (let more = await events.read(id, last, EVENTS_GRACE_MS); more.events.length > 0; more = await events.read(id, last, EVENTS_GRACE_MS)) {
          last = more.last;
          more.events.forEach(onEvent);
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
