import type { Job } from 'bullmq';
import { BadInput, emptyPlannedRun, summarize } from '@ferry/core';
import { type BatchResult, type TransferSpec, type TransferSummary, childOutcomes, fileJobDataSchema, transferJobDataSchema } from './job-data.js';
import type { FerryQueues } from './queues.js';
import { type Submitted, submitTransfer } from './submit.js';

export interface TransferInfo {
  id: string;
  /** BullMQ's state, with "done" / "partial" for finished transfers. */
  state: string;
  spec?: TransferSpec;
  schedule?: string;
  createdAt: number;
  finishedAt?: number;
  files?: { planned: number; done: number; failed: number; waiting: number };
  /** An unfinished transfer's bytes: planned so far, and held by the files that have landed. */
  bytes?: { planned: number; done: number };
  /** How an unfinished transfer's landed files got there (a finished one has them in `summary`). */
  outcomes?: Outcomes;
  summary?: TransferSummary;
  failedReason?: string;
}

export interface Outcomes {
  copied: number;
  rapid: number;
  imported: number;
  skipped: number;
  /** `--rapid-only` files the target did not hold: nothing sent. */
  missed: number;
  /** Bytes that rapid uploads did not have to send. */
  rapidBytes: number;
}

/** One file of a transfer as `ferry serve` lists it: landed (how), or failed for good. */
export interface TransferFile {
  rel: string;
  state: 'copied' | 'rapid' | 'imported' | 'skipped' | 'missed' | 'failed';
  size?: number;
  attempts?: number;
  error?: string;
}

export interface FileFailure {
  rel: string;
  reason: string;
  attempts: number;
}

const STATES = ['active', 'waiting', 'waiting-children', 'delayed', 'prioritized', 'completed', 'failed'] as const;

/** `children`: the transfer's finished children, when the caller has read them already. */
async function describe(job: Job, children?: BatchResult): Promise<TransferInfo> {
  const state = await job.getState();
  const data = transferJobDataSchema.safeParse(job.data);
  const info: TransferInfo = { id: job.id!, state, createdAt: job.timestamp };
  if (data.success) {
    info.spec = data.data.spec;
    if (data.data.schedule) info.schedule = data.data.schedule;
  }
  if (job.finishedOn) info.finishedAt = job.finishedOn;
  if (state === 'completed') {
    const summary = job.returnvalue as TransferSummary | undefined;
    if (summary) {
      info.summary = summary;
      info.state = summary.state;
    }
  } else if (state === 'failed') {
    info.failedReason = job.failedReason;
  } else {
    const counts = await job.getDependenciesCount();
    const progress = job.progress as { plannedFiles?: number; plannedBytes?: number } | undefined;
    const planned = progress?.plannedFiles ?? 0;
    const finished = children ?? childOutcomes(await job.getChildrenValues());
    const done = finished.results.length;
    const failed = (counts.ignored ?? 0) + (counts.failed ?? 0) + finished.failed.length;
    info.files = { planned, done, failed, waiting: Math.max(0, planned - done - failed) };
    info.bytes = { planned: progress?.plannedBytes ?? 0, done: finished.results.reduce((n, r) => n + r.size, 0) };
    info.outcomes = outcomesOf(finished);
  }
  return info;
}

/** Counted as the finished transfer's summary will count them. */
function outcomesOf(children: BatchResult): Outcomes {
  const { copied, rapid, imported, skipped, missed, rapidBytes } = summarize(emptyPlannedRun(), { results: children.results, failed: [] });
  return { copied, rapid, imported, skipped, missed, rapidBytes };
}

/** Files of a batch that failed for good, as `jobs show` lists them. */
function batchFailures(failed: BatchResult['failed']): FileFailure[] {
  return failed.map((f) => ({ rel: f.rel, reason: f.message, attempts: f.attempts ?? 1 }));
}

/** Transfers in BullMQ's order (running and queued first), then the ones cancelled lately. */
export async function listTransfers(queues: FerryQueues, limit = 50): Promise<TransferInfo[]> {
  const jobs = await queues.transfers.getJobs([...STATES], 0, limit - 1, false);
  const live = await Promise.all(jobs.filter((j): j is Job => !!j).map((j) => describe(j)));
  return live.length >= limit ? live : [...live, ...(await cancelledTransfers(queues, limit - live.length))];
}

async function requireJob(queues: FerryQueues, id: string): Promise<Job> {
  const job = await queues.transfers.getJob(id);
  if (!job) throw new BadInput(`no transfer '${id}' (see \`ferry jobs list\`)`);
  return job;
}

export async function showTransfer(queues: FerryQueues, id: string): Promise<{ info: TransferInfo; failures: FileFailure[] }> {
  const { info, failures } = await showWithChildren(queues, id, 200);
  return { info, failures };
}

async function showWithChildren(
  queues: FerryQueues,
  id: string,
  limit: number,
): Promise<{ info: TransferInfo; failures: FileFailure[]; children: BatchResult }> {
  const job = await requireJob(queues, id);
  const children = childOutcomes(await job.getChildrenValues());
  const info = await describe(job, children);
  const failures: FileFailure[] = batchFailures(children.failed.slice(0, limit));
  const failedIds = Object.keys(await job.getIgnoredChildrenFailures()).map((k) => k.slice(k.lastIndexOf(':') + 1));
  for (const fileId of failedIds.slice(0, limit)) {
    const file = await queues.files.getJob(fileId);
    const data = fileJobDataSchema.safeParse(file?.data);
    failures.push({ rel: data.success ? data.data.rel : fileId, reason: file?.failedReason ?? '?', attempts: file?.attemptsMade ?? 0 });
  }
  return { info, failures, children };
}

/**
 * A transfer with its files, landed and failed (up to `limit` of each), and the bytes its rapid
 * uploads saved. Files still waiting are not listed: they are the planned count less these.
 */
export async function transferFiles(
  queues: FerryQueues,
  id: string,
  limit = 5000,
): Promise<{ info: TransferInfo; files: TransferFile[]; outcomes: Outcomes }> {
  const { info, failures, children } = await showWithChildren(queues, id, limit);
  const files: TransferFile[] = children.results.slice(0, limit).map((r) => ({ rel: r.rel, state: r.outcome, size: r.size }));
  for (const f of failures) files.push({ rel: f.rel, state: 'failed', attempts: f.attempts, error: f.reason });
  return { info, files, outcomes: outcomesOf(children) };
}

/**
 * A finished transfer is run again as a new one: the planner skips what landed, so only the
 * files that failed (or changed since) are copied. A transfer that failed as a whole is retried.
 */
export async function retryTransfer(queues: FerryQueues, id: string): Promise<Submitted> {
  const job = await requireJob(queues, id);
  const state = await job.getState();
  if (state === 'failed') {
    await job.retry('failed');
    return { id, existing: true };
  }
  if (state !== 'completed') throw new BadInput(`transfer ${id} is still ${state}; retry it once it has finished`);
  const data = transferJobDataSchema.parse(job.data);
  return submitTransfer(queues, data.spec);
}

/**
 * Removes the transfer and its files that have not started. Files already being copied finish
 * (a half-copied file is never left under its final name); their results are dropped.
 */
export async function cancelTransfer(queues: FerryQueues, id: string): Promise<void> {
  const job = await requireJob(queues, id);
  const state = await job.getState();
  if (state === 'completed' || state === 'failed') throw new BadInput(`transfer ${id} has already finished (${state})`);
  await queues.redis.set(queues.keys.cancelled(id), '1', 'EX', 24 * 3600);
  await job.removeUnprocessedChildren();
  // A file being copied holds its lock and cannot be removed: the transfer then goes alone, and
  // that file's result, when it comes, has no parent to report to.
  const removed = (await queues.transfers.remove(id, { removeChildren: true })) || (await queues.transfers.remove(id, { removeChildren: false }));
  if (!removed) throw new BadInput(`transfer ${id} is being planned or summed up right now; try again in a moment`);
  const data = transferJobDataSchema.safeParse(job.data);
  if (data.success && data.data.key) await queues.redis.del(queues.keys.running(data.data.key));
  const record: TransferInfo = { id, state: 'cancelled', createdAt: job.timestamp, finishedAt: Date.now() };
  if (data.success) record.spec = data.data.spec;
  if (data.success && data.data.schedule) record.schedule = data.data.schedule;
  await queues.redis
    .multi()
    .zadd(queues.keys.cancelledRuns(), record.finishedAt!, JSON.stringify(record))
    .zremrangebyscore(queues.keys.cancelledRuns(), '-inf', Date.now() - KEEP_CANCELLED_MS)
    .zremrangebyrank(queues.keys.cancelledRuns(), 0, -KEEP_CANCELLED - 1)
    .exec();
}

/** Cancelled transfers are remembered as long as finished ones are kept, the latest few hundred. */
const KEEP_CANCELLED_MS = 7 * 24 * 3600 * 1000;
const KEEP_CANCELLED = 200;

async function cancelledTransfers(queues: FerryQueues, limit: number): Promise<TransferInfo[]> {
  const raw = await queues.redis.zrevrange(queues.keys.cancelledRuns(), 0, limit - 1);
  const out: TransferInfo[] = [];
  for (const r of raw) {
    try {
      out.push(JSON.parse(r) as TransferInfo);
    } catch {
      // Written by another version: left out.
    }
  }
  return out;
}
