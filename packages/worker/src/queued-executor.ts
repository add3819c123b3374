import { Job } from 'bullmq';
import { type Action, type Executor, type PlannedFile, type PlannedRun, type RunEvent, type RunOutcomes, plannedFile } from '@ferry/core';
import { type BatchJobInput, type FileJobData, type TransferSpec, childOutcomes, fileJobDataSchema } from './job-data.js';
import { batchJobId, fileJobId } from './job-ids.js';
import type { FerryQueues } from './queues.js';
import { type Batch, type BatchedFile, SMALL_FILE_BYTES, SmallFileBatches } from './small-file-batches.js';

/** File jobs go to Redis in batches: one round trip per batch, not per file. */
const BATCH = 500;
/** Failed files whose reasons the summary spells out; the rest are counted. */
export const MAX_LISTED_ERRORS = 100;

type ChildJob = { name: string; data: FileJobData | BatchJobInput; opts: object };

/**
 * The queued executor of core's orchestration: while planning, each copy becomes a child job of
 * the transfer (one per big file, small ones grouped by SmallFileBatches) and the run events go to
 * the transfer's stream; once the children have ended, their outcomes are read back from Redis.
 */
export class QueuedExecutor implements Executor {
  private children: ChildJob[] = [];
  private events: RunEvent[] = [];
  private readonly batches = new SmallFileBatches();
  private readonly fileOpts: object;
  private readonly sending: { rapidOnly?: boolean; bwlimit?: string; onConflict?: 'skip' | 'rename' };

  constructor(
    private readonly job: Job,
    private readonly spec: TransferSpec,
    private readonly queues: FerryQueues,
  ) {
    this.fileOpts = {
      parent: { id: job.id!, queue: job.queueQualifiedName },
      attempts: spec.retries + 1,
      backoff: { type: 'ferry' },
      // A failed file must not block its transfer: it is counted, and the transfer ends partial.
      ignoreDependencyOnFailure: true,
    };
    this.sending = {
      ...(spec.rapidOnly ? { rapidOnly: true } : {}),
      ...(spec.bwlimit ? { bwlimit: spec.bwlimit } : {}),
      ...(spec.onConflict !== 'overwrite' ? { onConflict: spec.onConflict } : {}),
    };
  }

  /** Run events wait for the next round trip; followers count copies and skips only, and need no more of a copy than its file. */
  readonly emit = (event: RunEvent): void => {
    if (event.type === 'planned') {
      const action = event.action;
      if (action.kind === 'delete' || action.kind === 'error') return;
      if (action.kind === 'copy') event = { type: 'planned', action: { kind: 'copy', ...plannedFile(action) } };
    }
    this.events.push(event);
  };

  async copy(action: PlannedFile, run: PlannedRun): Promise<void> {
    const file: BatchedFile = plannedFile(action);
    const small = !file.src.isDir && file.src.size <= SMALL_FILE_BYTES;
    this.addBatches(this.batches.place(file.rel, small ? file : undefined));
    if (!small) this.addFile(file);
    await this.flushIfFull(run);
  }

  async skip(action: Extract<Action, { kind: 'skip' }>, run: PlannedRun): Promise<boolean> {
    this.addBatches(this.batches.place(action.rel));
    await this.flushIfFull(run);
    return false;
  }

  async planEnded(run: PlannedRun): Promise<void> {
    this.addBatches(this.batches.close());
    await this.flush(run);
  }

  /** The finished children's results, and the files that failed: listed by a batch, or failed jobs of their own. */
  async outcomes(): Promise<RunOutcomes> {
    const { results, failed } = childOutcomes(await this.job.getChildrenValues());
    const out: RunOutcomes = { results, failed: failed.map(({ rel, message }) => ({ rel, message })) };
    const ignored = Object.entries(await this.job.getIgnoredChildrenFailures());
    // Only as many as the summary lists are read back for their path.
    for (const [i, [key, reason]] of ignored.entries()) {
      out.failed.push({ rel: i < MAX_LISTED_ERRORS ? await relOfFileJob(this.queues, key) : key, message: reason });
    }
    return out;
  }

  private addFile(file: BatchedFile): void {
    const data: FileJobData = { transferId: this.job.id!, source: this.spec.source, target: this.spec.target, ...file, ...this.sending };
    this.children.push({ name: 'file', data, opts: { ...this.fileOpts, jobId: fileJobId(this.job.id!, file.rel) } });
  }

  private addBatches(closed: Batch[]): void {
    for (const b of closed) {
      // A batch of one is a plain file job, named by its path as any file.
      if (b.files.length === 1) {
        this.addFile(b.files[0]!);
        continue;
      }
      const data: BatchJobInput = { transferId: this.job.id!, source: this.spec.source, target: this.spec.target, files: b.files, ...this.sending };
      this.children.push({ name: 'files', data, opts: { ...this.fileOpts, jobId: batchJobId(this.job.id!, b.folder, b.window, b.part) } });
    }
  }

  private async flushIfFull(run: PlannedRun): Promise<void> {
    if (this.children.length >= BATCH) await this.flush(run);
  }

  private async flush(run: PlannedRun): Promise<void> {
    if (this.children.length > 0) await this.queues.files.addBulk(this.children);
    await this.queues.events.publish(this.job.id!, this.events);
    await this.job.updateProgress({ plannedFiles: run.files, plannedBytes: run.bytes, skipped: run.skipped });
    this.children = [];
    this.events = [];
  }
}

/** "{ferry}:files:ID" -> the file's path in the transfer, read from the failed job kept in Redis. */
async function relOfFileJob(queues: FerryQueues, key: string): Promise<string> {
  const id = key.slice(key.lastIndexOf(':') + 1);
  const job = await Job.fromId(queues.files, id);
  const data = fileJobDataSchema.safeParse(job?.data);
  return data.success ? data.data.rel : id;
}
