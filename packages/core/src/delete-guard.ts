import { z } from 'zod';
import type { Action } from './planner.js';

/**
 * How many files `sync --delete` may remove in one run: at most `files` of them, or at most
 * `percent` of the destination's files. `{ percent: 100 }` lifts every limit (`--delete-all`).
 * Parsed at every edge: it travels in queued and scheduled transfer specs.
 */
export const deleteLimitSchema = z.union([
  z.strictObject({ files: z.number().int().min(0) }),
  z.strictObject({ percent: z.number().min(0).max(100) }),
]);
export type DeleteLimit = z.infer<typeof deleteLimitSchema>;

/** What the guard weighs, counted from a plan's actions. */
export interface DeleteTally {
  /** Source files the plan saw (copied or skipped; a folder the target imports whole counts as one). */
  sourceFiles: number;
  /** Destination files the plan saw: matched by a source file, or to be deleted. */
  targetFiles: number;
  /** Files the planned deletions remove, those inside deleted folders included. */
  deleteFiles: number;
}

export function emptyDeleteTally(): DeleteTally {
  return { sourceFiles: 0, targetFiles: 0, deleteFiles: 0 };
}

/** Counts one planned action into the tally; both executors feed it every action they plan. */
export function tallyAction(tally: DeleteTally, action: Action): void {
  switch (action.kind) {
    case 'copy':
      tally.sourceFiles++;
      if (action.dst && !action.dst.isDir) tally.targetFiles++;
      break;
    case 'skip':
      tally.sourceFiles++;
      tally.targetFiles++;
      break;
    case 'delete':
      tally.deleteFiles += action.files;
      tally.targetFiles += action.files;
      break;
    case 'error':
      break;
  }
}

/**
 * Why the planned deletions must not run, or undefined when they may. A listing that came back
 * wrong (115 answering an unknown folder with another, a share gone, a login lost elsewhere) looks
 * like a source that lost most of its files, and a scheduled sync would empty the backup. So by
 * default a source listing no file at all, or a plan removing more than half of the destination's
 * files, holds every deletion back; an explicit limit replaces the half rule, and only 100% (or
 * `--delete-all`) lifts the empty-source rule too.
 */
export function heldDeletesReason(tally: DeleteTally, limit: DeleteLimit | undefined): string | undefined {
  const { sourceFiles, targetFiles, deleteFiles } = tally;
  if (deleteFiles === 0) return undefined;
  if (limit && 'percent' in limit && limit.percent >= 100) return undefined;
  if (sourceFiles === 0) {
    return `the source lists no files while the destination holds ${targetFiles}: a listing that came back wrong looks the same; add --delete-all if the source really is empty`;
  }
  if (limit === undefined) {
    if (deleteFiles * 2 <= targetFiles) return undefined;
    return `it would delete ${deleteFiles} of the destination's ${targetFiles} files, more than half; add --max-delete 100% (or --delete-all) if that is meant`;
  }
  if ('files' in limit) {
    if (deleteFiles <= limit.files) return undefined;
    return `it would delete ${deleteFiles} ${deleteFiles === 1 ? 'file' : 'files'}, more than --max-delete ${limit.files}`;
  }
  if (deleteFiles * 100 <= limit.percent * targetFiles) return undefined;
  return `it would delete ${deleteFiles} of the destination's ${targetFiles} files (${percentOf(deleteFiles, targetFiles)}), more than --max-delete ${limit.percent}%`;
}

function percentOf(part: number, whole: number): string {
  return `${Math.floor((part * 1000) / whole) / 10}%`;
}

/** The limit as the command line writes it, for listings of queued and scheduled transfers. */
export function describeDeleteLimit(limit: DeleteLimit): string {
  if ('files' in limit) return `--max-delete ${limit.files}`;
  return limit.percent >= 100 ? '--delete-all' : `--max-delete ${limit.percent}%`;
}
