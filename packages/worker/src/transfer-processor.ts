import { type Job, UnrecoverableError, WaitingChildrenError } from 'bullmq';
import { type RunEvent, PathFilter, emptyPlannedRun, emptyRunSummary, errorMessage, finishRun, intakePlan, isRetryable, plan } from '@ferry/core';
import { type TransferJobData, type TransferSummary, transferJobDataSchema } from './job-data.js';
import type { Locations } from './locations.js';
import { MAX_LISTED_ERRORS, QueuedExecutor } from './queued-executor.js';
import type { FerryQueues } from './queues.js';
import { claimScheduleRun, releaseScheduleRun } from './schedule-runs.js';
import { releaseTransferKey } from './submit.js';

export interface TransferProcessorDeps {
  queues: FerryQueues;
  locations: Locations;
}

type Planned = NonNullable<TransferJobData['planned']>;

/**
 * A transfer job runs core's orchestration in two steps (BullMQ's step-job pattern): `plan` walks
 * the source with core's planner and hands the copies to the QueuedExecutor, which adds them as
 * child jobs; the job then waits for its children (`waiting-children`), and `finish` sums their
 * outcomes, deletes extraneous files when core's rules let it, and returns the summary.
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
  const executor = new QueuedExecutor(job, spec, deps.queues);
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
  return intakePlan(actions, executor, { emit: executor.emit });
}

async function finish(job: Job, data: TransferJobData, deps: TransferProcessorDeps): Promise<TransferSummary> {
  const events: RunEvent[] = [];
  const outcomes = await new QueuedExecutor(job, data.spec, deps.queues).outcomes();
  const { dryRun: _dryRun, ...totals } = await finishRun(data.planned ?? emptyPlannedRun(), outcomes, {
    emit: (event) => events.push(event),
    ...(data.spec.maxDelete ? { maxDelete: data.spec.maxDelete } : {}),
    target: async () => (await deps.locations.locate(data.spec.target)).provider,
    listErrors: MAX_LISTED_ERRORS,
  });
  await deps.queues.events.publish(job.id!, events);
  const summary: TransferSummary = { state: totals.failed > 0 || totals.deletesHeld > 0 ? 'partial' : 'done', ...totals };
  summary.durationMs = Date.now() - job.timestamp;
  if (data.key) await releaseTransferKey(deps.queues, data.key, job.id!);
  if (data.schedule) await releaseScheduleRun(deps.queues, data.schedule, job.id!);
  return summary;
}

function emptySummary(state: TransferSummary['state']): TransferSummary {
  const { dryRun: _dryRun, ...totals } = emptyRunSummary();
  return { state, ...totals };
}
