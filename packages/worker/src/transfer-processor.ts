import { Job, UnrecoverableError, WaitingChildrenError } from 'bullmq';
import {
  type RunEvent,
  PathFilter,
  emptyDeleteTally,
  emptyRunSummary,
  errorMessage,
  heldDeletesReason,
  isRetryable,
  plan,
  renamedDuplicate,
  tallyAction,
} from '@ferry/core';
import {
  type BatchJobInput,
  type FileJobData,
  type TransferJobData,
  type TransferSummary,
  childOutcomes,
  fileJobDataSchema,
  transferJobDataSchema,
} from './job-data.js';
import { batchJobId, fileJobId } from './job-ids.js';
import { type Batch, type BatchedFile, SMALL_FILE_BYTES, SmallFileBatches } from './small-file-batches.js';
import type { Locations } from './locations.js';
import type { FerryQueues } from './queues.js';
import { claimScheduleRun, releaseScheduleRun } from './schedule-runs.js';
import { releaseTransferKey } from './submit.js';

/** File jobs go to Redis in batches: one round trip per batch, not per file. */
const BATCH = 500;
/** Failed files whose reasons the summary spells out; the rest are counted. */
const MAX_LISTED_ERRORS = 100;

export interface TransferProcessorDeps {
  queues: FerryQueues;
  locations: Locations;
}

type Planned = NonNullable<TransferJobData['planned']>;

/**
 * A transfer job in two steps (BullMQ's step-job pattern): `plan` walks the source with core's
 * planner and adds child file jobs (one per big file, one per batch of small ones); the job then waits for its children
 * (`waiting-children`) and `finish` sums their results, deletes extraneous files when nothing
 * failed and the deletion guard lets them, and returns the summary.
 */
export function transferProcessor(deps: TransferProcessorDeps) {
  return async (job: Job, token?: string): Promise<TransferSummary> => {
    let data = transferJobDataSchema.parse(job.data);
    if (data.schedule && !(await claimScheduleRun(deps.queues, data.schedule, job.id!))) {
      return { ...emptySummary('skipped'), reason: `the previous run of schedule '${data.schedule}' is still going` };
    }
    if (data.step === 'plan') {
      const planned = await planTransfer(job, data, deps).catch((err: unknown) => {
        // A missing source or an unknown remote will not get better with retries.
        throw isRetryable(err) || err instanceof UnrecoverableError ? err : new UnrecoverableError(errorMessage(err));
      });
      data = { ...data, step: 'finish', planned };
      await job.updateData(data);
    }
    // Also reached by a worker that took the job over between planning and waiting.
    if (token && (await job.moveToWaitingChildren(token))) throw new WaitingChildrenError();
    return finish(job, data, deps);
  };
}

async function planTransfer(job: Job, data: TransferJobData, deps: TransferProcessorDeps): Promise<Planned> {
  const { spec } = data;
  if (spec.mode !== 'copy' && spec.mode !== 'sync' && spec.mode !== 'import-share') {
    throw new UnrecoverableError(`transfer mode '${spec.mode}' cannot run on workers`);
  }
  const [source, target] = await Promise.all([deps.locations.locate(spec.source), deps.locations.locate(spec.target)]);
  const planned: Planned = { files: 0, bytes: 0, skipped: 0, renamedDuplicates: 0, errors: [], deletes: [], tally: emptyDeleteTally() };
  const parent = { id: job.id!, queue: job.queueQualifiedName };
  const fileOpts = {
    parent,
    attempts: spec.retries + 1,
    backoff: { type: 'ferry' },
    // A failed file must not block its transfer: it is counted, and the transfer ends partial.
    ignoreDependencyOnFailure: true,
  };
  let batch: { name: string; data: FileJobData | BatchJobInput; opts: object }[] = [];
  let events: RunEvent[] = [];
  const batches = new SmallFileBatches();

  const flush = async () => {
    if (batch.length > 0) await deps.queues.files.addBulk(batch);
    await deps.queues.events.publish(job.id!, events);
    await job.updateProgress({ plannedFiles: planned.files, plannedBytes: planned.bytes, skipped: planned.skipped });
    batch = [];
    events = [];
  };
  const sending = {
    ...(spec.rapidOnly ? { rapidOnly: true } : {}),
    ...(spec.bwlimit ? { bwlimit: spec.bwlimit } : {}),
    ...(spec.onConflict !== 'overwrite' ? { onConflict: spec.onConflict } : {}),
  };
  const addFile = (file: BatchedFile) => {
    const data: FileJobData = { transferId: job.id!, source: spec.source, target: spec.target, ...file, ...sending };
    batch.push({ name: 'file', data, opts: { ...fileOpts, jobId: fileJobId(job.id!, file.rel) } });
  };
  const addBatches = (closed: Batch[]) => {
    for (const b of closed) {
      // A batch of one is a plain file job, named by its path as any file.
      if (b.files.length === 1) {
        addFile(b.files[0]!);
        continue;
      }
      const data: BatchJobInput = { transferId: job.id!, source: spec.source, target: spec.target, files: b.files, ...sending };
      batch.push({ name: 'files', data, opts: { ...fileOpts, jobId: batchJobId(job.id!, b.folder, b.window, b.part) } });
    }
  };

  const actions = plan({
    source,
    target,
    // A share import is a copy whose source is the share (inline remote) as far as planning goes.
    mode: spec.mode === 'sync' ? 'sync' : 'copy',
    deleteExtraneous: spec.deleteExtraneous,
    compare: spec.compare,
    onConflict: spec.onConflict,
    filter: new PathFilter(spec),
  });
  for await (const action of actions) {
    tallyAction(planned.tally, action);
    const duplicate = renamedDuplicate(action);
    if (duplicate) {
      planned.renamedDuplicates++;
      events.push(duplicate);
    }
    switch (action.kind) {
      case 'copy': {
        planned.files++;
        planned.bytes += action.src.size;
        const file: BatchedFile = {
          rel: action.rel,
          src: action.src,
          dstPath: action.dstPath,
          ...(action.besideSameName ? { besideSameName: true } : {}),
        };
        const small = !action.src.isDir && action.src.size <= SMALL_FILE_BYTES;
        addBatches(batches.place(action.rel, small ? file : undefined));
        if (!small) addFile(file);
        events.push({ type: 'planned', action: { kind: 'copy', ...file } });
        break;
      }
      case 'skip':
        planned.skipped++;
        addBatches(batches.place(action.rel));
        events.push(
          { type: 'planned', action },
          { type: 'file', rel: action.rel, outcome: 'skipped', size: action.src.size, sourceBytesRead: 0, resumedFrom: 0 },
        );
        break;
      case 'delete':
        planned.deletes.push({ rel: action.rel, path: action.dst.path, isDir: action.dst.isDir, ...(action.dst.id ? { id: action.dst.id } : {}) });
        break;
      case 'error': {
        const message = errorMessage(action.error);
        planned.errors.push({ rel: action.rel, message });
        events.push({ type: 'failed', rel: action.rel, message });
        break;
      }
    }
    if (batch.length >= BATCH) await flush();
  }
  addBatches(batches.close());
  await flush();
  return planned;
}

async function finish(job: Job, data: TransferJobData, deps: TransferProcessorDeps): Promise<TransferSummary> {
  const planned = data.planned ?? { files: 0, bytes: 0, skipped: 0, renamedDuplicates: 0, errors: [], deletes: [], tally: emptyDeleteTally() };
  const summary = emptySummary('done');
  summary.plannedFiles = planned.files;
  summary.plannedBytes = planned.bytes;
  summary.skipped = planned.skipped;
  summary.renamedDuplicates = planned.renamedDuplicates;
  summary.errors.push(...planned.errors);
  summary.failed = planned.errors.length;

  const outcomes = childOutcomes(await job.getChildrenValues());
  for (const result of outcomes.results) {
    summary[result.outcome]++;
    if (result.outcome === 'rapid') summary.rapidBytes += result.size;
    if (result.outcome === 'missed') summary.missedBytes += result.size;
    summary.bytes += result.bytes;
    summary.sourceBytesRead += result.sourceBytesRead;
    summary.resumedBytes += result.resumedFrom;
  }
  summary.failed += outcomes.failed.length;
  summary.errors.push(...outcomes.failed.slice(0, Math.max(0, MAX_LISTED_ERRORS - summary.errors.length)).map(({ rel, message }) => ({ rel, message })));
  const failures = Object.entries(await job.getIgnoredChildrenFailures());
  summary.failed += failures.length;
  for (const [key, reason] of failures.slice(0, MAX_LISTED_ERRORS)) {
    summary.errors.push({ rel: await relOfFileJob(deps.queues, key), message: reason });
  }

  const events: RunEvent[] = [];
  if (planned.deletes.length > 0) {
    // The in-process runner's rules, the guard's from the same core decision.
    const held = heldDeletesReason(planned.tally, data.spec.maxDelete);
    if (summary.failed > 0) {
      // rclone's rule, as in the in-process runner: never delete on the strength of a partial view.
      summary.deletesPending = planned.deletes.length;
      events.push({ type: 'deletes-skipped', count: planned.deletes.length, reason: `${summary.failed} error(s) in this run` });
    } else if (held) {
      summary.deletesHeld = planned.deletes.length;
      summary.deletesHeldReason = held;
      events.push({ type: 'deletes-skipped', count: planned.deletes.length, reason: held });
    } else {
      const target = await deps.locations.locate(data.spec.target);
      for (const d of planned.deletes) {
        try {
          if (!target.provider.remove) throw new Error(`remote '${target.provider.remote}' cannot delete files`);
          await target.provider.remove(d.path, d.id);
          summary.deleted++;
          events.push({ type: 'deleted', rel: d.rel });
        } catch (err) {
          summary.failed++;
          summary.errors.push({ rel: d.rel, message: errorMessage(err) });
          events.push({ type: 'failed', rel: d.rel, message: errorMessage(err) });
        }
      }
    }
  }
  await deps.queues.events.publish(job.id!, events);
  summary.state = summary.failed > 0 || summary.deletesHeld > 0 ? 'partial' : 'done';
  summary.durationMs = Date.now() - job.timestamp;
  if (data.key) await releaseTransferKey(deps.queues, data.key, job.id!);
  if (data.schedule) await releaseScheduleRun(deps.queues, data.schedule, job.id!);
  return summary;
}

/** "{ferry}:files:ID" -> the file's path in the transfer, read from the failed job kept in Redis. */
async function relOfFileJob(queues: FerryQueues, key: string): Promise<string> {
  const id = key.slice(key.lastIndexOf(':') + 1);
  const job = await Job.fromId(queues.files, id);
  const data = fileJobDataSchema.safeParse(job?.data);
  return data.success ? data.data.rel : id;
}

function emptySummary(state: TransferSummary['state']): TransferSummary {
  const { dryRun: _dryRun, ...totals } = emptyRunSummary();
  return { state, ...totals };
}
