import type { Entry } from '../entry.js';
import type { FileOutcome, RunEvent } from './events.js';

/** A copy as the planner hands it to an executor: what one file job (or one slot of a batch) carries. */
export interface PlannedFile {
  rel: string;
  src: Entry;
  dstPath: string;
  /** Lands beside the target's files of its name (see Action). */
  besideSameName?: boolean;
}

/** How one planned file ended, as an executor reports it back to the orchestration. */
export interface CopyOutcome {
  rel: string;
  outcome: FileOutcome;
  size: number;
  /** Bytes delivered to the target by the attempt that succeeded. */
  bytes: number;
  sourceBytesRead: number;
  resumedFrom: number;
  /** A `missed` file's SHA-1 (when known) and the target's reason. */
  sha1?: string;
  reason?: string;
  /** A move took the source file away after the copy checked out. */
  sourceRemoved?: boolean;
}

/** A planned file (or a listing, or a deletion) that ended without landing. */
export interface FailedFile {
  rel: string;
  message: string;
}

/** Every outcome of a run's copies, collected by its executor once they have all ended. */
export interface RunOutcomes {
  results: CopyOutcome[];
  failed: FailedFile[];
}

export function plannedFile(file: PlannedFile): PlannedFile {
  return { rel: file.rel, src: file.src, dstPath: file.dstPath, ...(file.besideSameName ? { besideSameName: true } : {}) };
}

/** A file the target already holds: nothing read, nothing sent. */
export function skippedOutcome(rel: string, src: Entry): CopyOutcome {
  return { rel, outcome: 'skipped', size: src.size, bytes: 0, sourceBytesRead: 0, resumedFrom: 0 };
}

/** The `file` event that announces an outcome. */
export function fileEvent(o: CopyOutcome): Extract<RunEvent, { type: 'file' }> {
  return {
    type: 'file',
    rel: o.rel,
    outcome: o.outcome,
    size: o.size,
    sourceBytesRead: o.sourceBytesRead,
    resumedFrom: o.resumedFrom,
    ...(o.outcome === 'missed' ? { ...(o.sha1 ? { sha1: o.sha1 } : {}), ...(o.reason ? { reason: o.reason } : {}) } : {}),
  };
}

/** The `failed` event of a planned file that will not land: progress counts its size as ended. */
export function fileFailedEvent(file: Pick<PlannedFile, 'rel' | 'src'>, message: string): RunEvent {
  return { type: 'failed', rel: file.rel, message, size: file.src.size };
}
