import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { type RunEvent, RateLimited, errorMessage, isRetryable, sleep, transferFile } from '@ferry/core';
import { type FileResult, fileJobDataSchema } from './job-data.js';
import { jobCheckpoint } from './job-checkpoint.js';
import { type Locations, accountOf } from './locations.js';
import type { FerryQueues } from './queues.js';

/** Progress of a large file reaches followers this often, not once per chunk. */
const BYTES_EVENT_MS = 500;
/** Waits for an account's token longer than this give the slot back (the job is delayed). */
const MAX_INLINE_WAIT_MS = 2000;

export interface FileProcessorDeps {
  queues: FerryQueues;
  locations: Locations;
  log?: (line: string) => void;
}

/**
 * One file job: core's transferFile, with the checkpoint in the job's data. Retryable errors are
 * thrown for BullMQ to retry with backoff; others fail the file at once (UnrecoverableError).
 */
export function fileProcessor(deps: FileProcessorDeps) {
  const { queues, locations } = deps;
  return async (job: Job, token?: string): Promise<FileResult> => {
    const parsed = fileJobDataSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`file job ${job.id} holds unreadable data: ${parsed.error.message}`);
    const data = parsed.data;
    const accounts = [accountOf(data.source), accountOf(data.target)].filter((a): a is string => !!a);
    await waitForAccounts(job, token, accounts, queues);

    let attemptBytes = 0;
    let unsent = 0;
    let lastSent = Date.now();
    const onBytes = (n: number) => {
      attemptBytes += n;
      unsent += n;
      if (Date.now() - lastSent >= BYTES_EVENT_MS) {
        const n = unsent;
        unsent = 0;
        lastSent = Date.now();
        queues.events.queue(data.transferId, [{ type: 'bytes', n }]);
      }
    };
    try {
      // Inside the try: a remote this worker's config lacks fails the file with that reason.
      const [source, target] = await Promise.all([locations.locate(data.source), locations.locate(data.target)]);
      const result = await transferFile(
        { src: source.provider, srcEntry: data.src, dst: target.provider, dstPath: data.dstPath },
        { checkpoint: jobCheckpoint(job, data), onBytes },
      );
      const events: RunEvent[] = [];
      if (unsent) events.push({ type: 'bytes', n: unsent });
      events.push({
        type: 'file',
        rel: data.rel,
        outcome: result.kind,
        size: data.src.size,
        sourceBytesRead: result.sourceBytesRead,
        resumedFrom: result.resumedFrom,
      });
      queues.events.queue(data.transferId, events);
      const resumed = result.resumedFrom > 0 ? ` (resumed at byte ${result.resumedFrom})` : '';
      deps.log?.(`${result.kind}: ${data.rel} [${data.transferId}]${resumed}`);
      return {
        rel: data.rel,
        outcome: result.kind,
        size: data.src.size,
        bytes: attemptBytes,
        sourceBytesRead: result.sourceBytesRead,
        resumedFrom: result.resumedFrom,
      };
    } catch (err) {
      const message = errorMessage(err);
      if (err instanceof RateLimited) await Promise.all(accounts.map((a) => queues.limiter.pause(a, err.retryAfterMs)));
      const last = !isRetryable(err) || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      // Bytes of a failed attempt will be sent again; keep followers' byte count honest.
      const events: RunEvent[] = attemptBytes - unsent > 0 ? [{ type: 'bytes', n: -(attemptBytes - unsent) }] : [];
      events.push(last ? { type: 'failed', rel: data.rel, message } : { type: 'retry', rel: data.rel, attempt: job.attemptsMade + 1, delayMs: 0, message });
      queues.events.queue(data.transferId, events);
      deps.log?.(`${last ? 'failed' : 'retry'}: ${data.rel} [${data.transferId}]: ${message}`);
      if (!isRetryable(err)) throw new UnrecoverableError(message);
      throw err;
    }
  };
}

/**
 * Takes a token from each account's shared bucket (and honours a pause after a 429). Short waits
 * are slept; long ones hand the slot back by delaying the job, which costs it no attempt.
 */
async function waitForAccounts(job: Job, token: string | undefined, accounts: string[], queues: FerryQueues): Promise<void> {
  for (;;) {
    const wait = await queues.limiter.take(...accounts);
    if (wait <= 0) return;
    if (wait > MAX_INLINE_WAIT_MS && token) {
      await job.moveToDelayed(Date.now() + wait, token);
      throw new DelayedError();
    }
    await sleep(wait);
  }
}
