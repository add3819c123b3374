import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import {
  BandwidthLimit,
  type CheckpointHandle,
  type EmitEvent,
  NotFound,
  type RunEvent,
  RateLimited,
  announce,
  copyFile,
  errorMessage,
  fileFailedEvent,
  isRetryable,
  lastAttempt,
  noCheckpoint,
  sameByListing,
  skippedOutcome,
  sleep,
} from '@ferry/core';
import { type BatchResult, type FileJobData, type FileResult, batchJobDataSchema, fileJobDataSchema } from './job-data.js';
import { jobCheckpoint } from './job-checkpoint.js';
import type { PacedSide } from './file-start-limits.js';
import type { Locations } from './locations.js';
import type { FerryQueues } from './queues.js';

/** Progress of a large file reaches followers this often, not once per chunk. */
const BYTES_EVENT_MS = 500;
/** Files of a batch in flight at once. */
const BATCH_LANES = 4;
/** A running batch records which of its files are done this often, for whoever takes it over. */
const PROGRESS_SAVE_MS = 2000;
/** A batch notices a cancelled transfer within this long (plus the file in flight). */
const CANCEL_CHECK_MS = 200;
/** Waits for an account's token longer than this give the slot back (the job is delayed). */
const MAX_INLINE_WAIT_MS = 2000;

export interface FileProcessorDeps {
  queues: FerryQueues;
  locations: Locations;
  log?: (line: string) => void;
}

/**
 * File jobs: one file (core's transferFile, with the checkpoint in the job's data) or a batch of
 * small ones. Retryable errors are thrown for BullMQ to retry with backoff; others fail the file
 * at once (UnrecoverableError for a file job, a failure listed in the result for a batch).
 */
export function fileProcessor(deps: FileProcessorDeps) {
  const withLimits = { ...deps, bandwidth: bandwidthLimits() };
  return async (job: Job, token?: string): Promise<FileResult | BatchResult> =>
    job.name === 'files' ? processBatch(job, token, withLimits) : processFile(job, token, withLimits);
}

/**
 * `--bwlimit` holds per worker process: one bucket per limit as written, shared by every file
 * job of this process that carries it.
 */
function bandwidthLimits(): (spec: string | undefined) => BandwidthLimit | undefined {
  const limits = new Map<string, BandwidthLimit>();
  return (spec) => {
    if (spec === undefined) return undefined;
    let limit = limits.get(spec);
    if (!limit) limits.set(spec, (limit = new BandwidthLimit(spec)));
    return limit;
  };
}

type ProcessorDeps = FileProcessorDeps & { bandwidth: ReturnType<typeof bandwidthLimits> };

async function processFile(job: Job, token: string | undefined, deps: ProcessorDeps): Promise<FileResult> {
  const parsed = fileJobDataSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`file job ${job.id} holds unreadable data: ${parsed.error.message}`);
  const data = parsed.data;
  const accounts = await accountsOf(data, deps.locations);
  await waitForAccounts(job, token, accounts, deps.queues);
  try {
    return await copyOne(data, deps, jobCheckpoint(job, data));
  } catch (err) {
    const message = errorMessage(err);
    if (err instanceof RateLimited) await Promise.all(accounts.map((a) => deps.queues.limiter.pause(a.account, err.retryAfterMs)));
    const last = lastAttempt(err, job.attemptsMade + 1, job.opts.attempts ?? 1);
    reportFailure(job, data, deps, message, last);
    if (!isRetryable(err)) throw new UnrecoverableError(message);
    throw err;
  }
}

/**
 * A batch runs a few of its files at a time, so small files on a slow cloud still overlap. A file
 * that fails for good is listed in the result; a temporary failure retries the batch, which skips
 * what it already finished, and on the last attempt counts as a failure. A cancelled transfer
 * stops its batches between files.
 */
async function processBatch(job: Job, token: string | undefined, deps: ProcessorDeps): Promise<BatchResult> {
  const parsed = batchJobDataSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`file job ${job.id} holds unreadable data: ${parsed.error.message}`);
  const data = parsed.data;
  const accounts = await accountsOf(data, deps.locations);
  await waitForAccounts(job, token, accounts, deps.queues);
  const done = [...data.done];
  const failed = [...data.failed];
  const finished = new Set([...done, ...failed].map((r) => r.rel));
  const todo = data.files.filter((f) => !finished.has(f.rel));
  const cancelled = cancelCheck(deps.queues, data.transferId);
  // Taken over after a crash, or retried: files the earlier run landed since its last save are
  // found on the target and not sent again.
  const resumed = job.attemptsStarted > 1;
  let savedAt = Date.now();
  const saveProgress = async () => {
    if (Date.now() - savedAt < PROGRESS_SAVE_MS) return;
    savedAt = Date.now();
    await job.updateData({ ...data, done, failed });
  };
  let retry: unknown;
  let stop = false;
  let next = 0;
  const lane = async () => {
    while (!stop && next < todo.length) {
      const index = next++;
      const file = todo[index]!;
      // The first file's token was taken before the lanes started, where a long wait may still
      // hand the whole batch back; later ones wait in their lane.
      if (index > 0) await waitForAccounts(job, undefined, accounts, deps.queues);
      if (await cancelled()) {
        stop = true;
        return;
      }
      const one: FileJobData = {
        transferId: data.transferId,
        source: data.source,
        target: data.target,
        ...file,
        ...(data.rapidOnly ? { rapidOnly: true } : {}),
        ...(data.bwlimit ? { bwlimit: data.bwlimit } : {}),
        ...(data.onConflict ? { onConflict: data.onConflict } : {}),
      };
      try {
        done.push(resumed && (await landedBefore(one, deps)) ? landed(one, deps) : await copyOne(one, deps, noCheckpoint));
      } catch (err) {
        const message = errorMessage(err);
        const again = !lastAttempt(err, job.attemptsMade + 1, job.opts.attempts ?? 1);
        reportFailure(job, one, deps, message, !again);
        if (!again) {
          failed.push({ rel: one.rel, message, attempts: job.attemptsMade + 1 });
          continue;
        }
        retry ??= err;
        if (err instanceof RateLimited) {
          stop = true;
          await Promise.all(accounts.map((a) => deps.queues.limiter.pause(a.account, err.retryAfterMs)));
        }
      }
      // Best effort: a save lost to a Redis hiccup only means a takeover checks a few more files.
      await saveProgress().catch(() => {});
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_LANES, todo.length) }, lane));
  if (retry !== undefined) {
    await job.updateData({ ...data, done, failed });
    throw retry;
  }
  return { results: done, failed };
}

/** Whether the target already holds this file as the source lists it. */
async function landedBefore(data: FileJobData, deps: FileProcessorDeps): Promise<boolean> {
  const target = await deps.locations.locate(data.target);
  try {
    return sameByListing(data.src, await target.provider.stat(data.dstPath), 'default') === true;
  } catch (err) {
    if (err instanceof NotFound) return false;
    throw err;
  }
}

function landed(data: FileJobData, deps: FileProcessorDeps): FileResult {
  deps.log?.(`skipped: ${data.rel} [${data.transferId}] (landed before a restart)`);
  return announce(skippedOutcome(data.rel, data.src), eventsOf(data, deps));
}

/** Whether `ferry jobs cancel` stopped the transfer; asks Redis at most every CANCEL_CHECK_MS. */
function cancelCheck(queues: FerryQueues, transferId: string): () => Promise<boolean> {
  let checkedAt = 0;
  let cancelled = false;
  return async () => {
    if (cancelled || Date.now() - checkedAt < CANCEL_CHECK_MS) return cancelled;
    checkedAt = Date.now();
    cancelled = (await queues.redis.exists(queues.keys.cancelled(transferId))) === 1;
    return cancelled;
  };
}

async function accountsOf(data: { source: string; target: string }, locations: Locations): Promise<PacedSide[]> {
  const sides = await Promise.all([locations.pacedSide(data.source), locations.pacedSide(data.target)]);
  return sides.filter((a): a is PacedSide => !!a);
}

async function copyOne(data: FileJobData, deps: ProcessorDeps, checkpoint: CheckpointHandle): Promise<FileResult> {
  const emit = eventsOf(data, deps);
  // A remote this worker's config lacks fails the file with that reason (thrown to the caller's catch).
  const [source, target] = await Promise.all([deps.locations.locate(data.source), deps.locations.locate(data.target)]);
  const { outcome } = await copyFile(data, {
    source: source.provider,
    target: target.provider,
    emit,
    bytesEventMs: BYTES_EVENT_MS,
    ...(data.onConflict ? { onConflict: data.onConflict } : {}),
    sending: {
      checkpoint,
      ...(data.rapidOnly ? { rapidOnly: true } : {}),
      ...(data.bwlimit ? { bandwidth: deps.bandwidth(data.bwlimit)! } : {}),
    },
  });
  announce(outcome, emit);
  const resumed = outcome.resumedFrom > 0 ? ` (resumed at byte ${outcome.resumedFrom})` : '';
  deps.log?.(`${outcome.outcome}: ${data.rel} [${data.transferId}]${resumed}`);
  return outcome;
}

/** A file job's run events go to its transfer's stream, with those of other files of this worker. */
function eventsOf(data: FileJobData, deps: FileProcessorDeps): EmitEvent {
  return (event) => deps.queues.events.queue(data.transferId, [event]);
}

function reportFailure(job: Job, data: FileJobData, deps: FileProcessorDeps, message: string, last: boolean): void {
  const event: RunEvent = last
    ? fileFailedEvent(data, message)
    : { type: 'retry', rel: data.rel, attempt: job.attemptsMade + 1, delayMs: 0, message };
  eventsOf(data, deps)(event);
  deps.log?.(`${last ? 'failed' : 'retry'}: ${data.rel} [${data.transferId}]: ${message}`);
}

/**
 * Takes a token from each account's shared bucket (and honours a pause after a 429). Short waits
 * are slept; long ones hand the slot back by delaying the job, which costs it no attempt.
 */
async function waitForAccounts(job: Job, token: string | undefined, accounts: PacedSide[], queues: FerryQueues): Promise<void> {
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
