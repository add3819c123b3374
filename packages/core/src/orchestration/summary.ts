import type { PlannedRun } from './planned-run.js';
import type { CopyOutcome, FailedFile, RunOutcomes } from './outcomes.js';

export interface RunSummary {
  dryRun: boolean;
  copied: number;
  rapid: number;
  /** Files or whole folders the target's service fetched from the source itself. */
  imported: number;
  skipped: number;
  failed: number;
  deleted: number;
  /** Files a `--rapid-only` run found the target without, and the bytes they hold. */
  missed: number;
  missedBytes: number;
  /** Bytes of the files that landed by rapid upload: what they spared the wire. */
  rapidBytes: number;
  /**
   * Source files landing under a name of their own ("name (2).ext") because another file in their
   * folder has their name and the target cannot hold both; counted whether copied or skipped.
   */
  renamedDuplicates: number;
  /** Deletions planned by `sync --delete` but not carried out (dry run, or errors in the run). */
  deletesPending: number;
  /** Deletions the deletion guard held back (see delete-guard.ts), and why; in a dry run, those a real run would. */
  deletesHeld: number;
  deletesHeldReason?: string;
  /** Bytes delivered to the target by streamed copies. */
  bytes: number;
  /** Files planned for copying and the bytes they hold. */
  plannedFiles: number;
  plannedBytes: number;
  sourceBytesRead: number;
  /** Bytes that resumed uploads did not have to send again. */
  resumedBytes: number;
  errors: { rel: string; message: string }[];
  durationMs: number;
}

export function emptyRunSummary(dryRun = false): RunSummary {
  return {
    dryRun,
    copied: 0,
    rapid: 0,
    imported: 0,
    skipped: 0,
    failed: 0,
    deleted: 0,
    missed: 0,
    missedBytes: 0,
    rapidBytes: 0,
    renamedDuplicates: 0,
    deletesPending: 0,
    deletesHeld: 0,
    bytes: 0,
    plannedFiles: 0,
    plannedBytes: 0,
    sourceBytesRead: 0,
    resumedBytes: 0,
    errors: [],
    durationMs: 0,
  };
}

/**
 * The totals of a plan and its copies' outcomes. The plan's own errors come first; past
 * `listErrors` listed errors, failed files are counted without their reasons.
 */
export function summarize(planned: PlannedRun, outcomes: RunOutcomes, options: { dryRun?: boolean; listErrors?: number } = {}): RunSummary {
  const summary = emptyRunSummary(!!options.dryRun);
  summary.plannedFiles = planned.files;
  summary.plannedBytes = planned.bytes;
  summary.skipped = planned.skipped;
  summary.renamedDuplicates = planned.renamedDuplicates;
  for (const error of planned.errors) countFailure(summary, error);
  for (const result of outcomes.results) countOutcome(summary, result);
  const listErrors = options.listErrors ?? Infinity;
  for (const failure of outcomes.failed) countFailure(summary, failure, summary.errors.length < listErrors);
  return summary;
}

function countOutcome(summary: RunSummary, o: CopyOutcome): void {
  summary[o.outcome]++;
  if (o.outcome === 'rapid') summary.rapidBytes += o.size;
  if (o.outcome === 'missed') summary.missedBytes += o.size;
  if (o.sourceRemoved) summary.deleted++;
  summary.bytes += o.bytes;
  summary.sourceBytesRead += o.sourceBytesRead;
  summary.resumedBytes += o.resumedFrom;
}

export function countFailure(summary: RunSummary, failure: FailedFile, listed = true): void {
  summary.failed++;
  if (listed) summary.errors.push({ rel: failure.rel, message: failure.message });
}
