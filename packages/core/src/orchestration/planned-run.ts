import { type DeleteTally, emptyDeleteTally } from '../delete-guard.js';
import type { FailedFile } from './outcomes.js';

/** A deletion `sync --delete` planned; `id` picks one of several same-named files on a target that holds them. */
export interface PlannedDelete {
  rel: string;
  path: string;
  isDir: boolean;
  id?: string;
}

/**
 * What the plan settled by itself, before any file was sent: kept until the copies have ended (a
 * queued transfer keeps it in its job's data, so whichever worker sums up can read it).
 */
export interface PlannedRun {
  /** Copies planned (handed to the executor unless a dry run), and the bytes they hold. */
  files: number;
  bytes: number;
  skipped: number;
  renamedDuplicates: number;
  /** Listings and names that failed while planning. */
  errors: FailedFile[];
  deletes: PlannedDelete[];
  /** What the deletion guard weighs once the copies have ended. */
  tally: DeleteTally;
}

export function emptyPlannedRun(): PlannedRun {
  return { files: 0, bytes: 0, skipped: 0, renamedDuplicates: 0, errors: [], deletes: [], tally: emptyDeleteTally() };
}
