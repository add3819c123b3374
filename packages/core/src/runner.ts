import pLimit from 'p-limit';
import type { Entry } from './entry.js';
import { type BackoffPolicy, defaultBackoff, retryDelay, sleep } from './backoff.js';
import { type DeleteLimit, emptyDeleteTally, heldDeletesReason, tallyAction } from './delete-guard.js';
import { errorMessage, isRetryable } from './errors.js';
import type { Journal } from './journal.js';
import { type Action, type PlanOptions, plan } from './planner.js';
import type { BandwidthLimit } from './bandwidth.js';
import { transferFile } from './transfer.js';
import { removeMovedSource } from './move-source.js';

/** `missed`: a `--rapid-only` run found the target without these bytes and sent none. */
export type FileOutcome = 'copied' | 'rapid' | 'imported' | 'skipped' | 'missed';

export type RunEvent =
  | { type: 'planned'; action: Action }
  | { type: 'bytes'; n: number }
  /** `sha1` and `reason` come with a `missed` file (sha1 when it was known or computed). */
  | { type: 'file'; rel: string; outcome: FileOutcome; size: number; sourceBytesRead: number; resumedFrom: number; sha1?: string; reason?: string }
  | { type: 'retry'; rel: string; attempt: number; delayMs: number; message: string }
  /** `size` is there when a planned file failed (not a listing or a deletion), so progress can count it as ended. */
  | { type: 'failed'; rel: string; message: string; size?: number }
  | { type: 'deleted'; rel: string }
  /** A source file that shares its name with another in its folder lands as `rel` (see Action). */
  | { type: 'renamed-duplicate'; rel: string; from: string; id?: string }
  | { type: 'deletes-skipped'; count: number; reason: string };

export interface RunOptions extends PlanOptions {
  /** Files in flight at once (`--transfers`). */
  transfers?: number;
  dryRun?: boolean;
  /** How many files `sync --delete` may remove (see delete-guard.ts); undefined: the default guard. */
  maxDelete?: DeleteLimit;
  journal?: Journal;
  onEvent?: (event: RunEvent) => void;
  /** Try the rapid upload for every file and stream none (see TransferContext). */
  rapidOnly?: boolean;
  bandwidth?: BandwidthLimit;
  /**
   * Move: each source file is removed once its copy is verified on the target (or the target
   * already held it), and counted as `deleted`.
   */
  removeSource?: boolean;
}

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
 * The in-process runner: the planner's actions under a p-limit pool, retries with backoff for
 * retryable errors, a journal of upload checkpoints so a killed run resumes large files where
 * they stopped (finished files are skipped by the planner), and deletions last, only when the
 * deletion guard lets them and after a run without a single error (rclone's rule: never delete on
 * the strength of a partial view).
 */
export async function runTransfer(options: RunOptions): Promise<RunSummary> {
  const started = Date.now();
  const transfers = options.transfers ?? 4;
  const retries = options.retries ?? 3;
  const backoff = options.backoff ?? defaultBackoff;
  const emit = options.onEvent ?? (() => {});
  const journal = options.journal;
  const summary = emptyRunSummary(!!options.dryRun);
  const fail = (rel: string, message: string, size?: number) => {
    summary.failed++;
    summary.errors.push({ rel, message });
    emit({ type: 'failed', rel, message, ...(size === undefined ? {} : { size }) });
  };

  const limit = pLimit(transfers);
  const inflight = new Set<Promise<void>>();
  const deletes: Extract<Action, { kind: 'delete' }>[] = [];
  const tally = emptyDeleteTally();

  const copy = async (action: Extract<Action, { kind: 'copy' }>) => {
    const { rel, src } = action;
    for (let attempt = 1; ; attempt++) {
      let attemptBytes = 0;
      try {
        const result = await transferFile(
          {
            src: options.source.provider,
            srcEntry: src,
            dst: options.target.provider,
            dstPath: action.dstPath,
            ...(action.besideSameName ? { besideSameName: true } : {}),
            ...(options.onConflict ? { onConflict: options.onConflict } : {}),
          },
          {
            ...(journal ? { checkpoint: journal.checkpointFor(rel) } : {}),
            onBytes: (n) => {
              attemptBytes += n;
              summary.bytes += n;
              emit({ type: 'bytes', n });
            },
            ...(options.rapidOnly ? { rapidOnly: true } : {}),
            ...(options.bandwidth ? { bandwidth: options.bandwidth } : {}),
          },
        );
        // A rapid-only miss sent nothing: its source file stays where it is.
        if (options.removeSource && result.kind !== 'missed' && !(await removeAfterCopy(rel, src, action.dstPath, result.sha1))) return;
        summary[result.kind]++;
        if (result.kind === 'rapid') summary.rapidBytes += result.size;
        if (result.kind === 'missed') summary.missedBytes += result.size;
        summary.sourceBytesRead += result.sourceBytesRead;
        summary.resumedBytes += result.resumedFrom;
        emit({
          type: 'file',
          rel,
          outcome: result.kind,
          size: src.size,
          sourceBytesRead: result.sourceBytesRead,
          resumedFrom: result.resumedFrom,
          ...(result.kind === 'missed' ? { ...(result.sha1 ? { sha1: result.sha1 } : {}), reason: result.reason! } : {}),
        });
        return;
      } catch (err) {
        // Bytes of a failed attempt will be sent again; keep the byte count honest.
        summary.bytes -= attemptBytes;
        if (attemptBytes) emit({ type: 'bytes', n: -attemptBytes });
        if (!isRetryable(err) || attempt > retries) {
          fail(rel, errorMessage(err), src.size);
          return;
        }
        const delayMs = retryDelay(attempt, err, backoff);
        emit({ type: 'retry', rel, attempt, delayMs, message: errorMessage(err) });
        await sleep(delayMs);
      }
    }
  };

  /** Whether the source file is gone; a file whose copy does not check out stays and fails. */
  const removeAfterCopy = async (rel: string, src: Entry, dstPath: string, sha1?: string, dst?: Entry): Promise<boolean> => {
    try {
      await removeMovedSource({ source: options.source.provider, src, target: options.target.provider, dstPath, ...(sha1 ? { sha1 } : {}), ...(dst ? { dst } : {}) });
    } catch (err) {
      fail(rel, errorMessage(err), src.size);
      return false;
    }
    summary.deleted++;
    emit({ type: 'deleted', rel });
    return true;
  };

  // Already on the target: a move still takes the source file away, once the target's copy checks out.
  const removeSkipped = async (action: Extract<Action, { kind: 'skip' }>) => {
    if (!(await removeAfterCopy(action.rel, action.src, action.dst.path, undefined, action.dst))) return;
    summary.skipped++;
    emit({ type: 'file', rel: action.rel, outcome: 'skipped', size: action.src.size, sourceBytesRead: 0, resumedFrom: 0 });
  };

  for await (const action of plan(options)) {
    emit({ type: 'planned', action });
    tallyAction(tally, action);
    const duplicate = renamedDuplicate(action);
    if (duplicate) {
      summary.renamedDuplicates++;
      emit(duplicate);
    }
    switch (action.kind) {
      case 'error':
        fail(action.rel, errorMessage(action.error));
        break;
      case 'skip':
        // --on-conflict skip keeps the target's file without comparing: the source file is then no copy of it.
        if (options.removeSource && !options.dryRun && options.onConflict !== 'skip') {
          const job = limit(() => removeSkipped(action));
          inflight.add(job);
          void job.finally(() => inflight.delete(job));
          break;
        }
        summary.skipped++;
        emit({ type: 'file', rel: action.rel, outcome: 'skipped', size: action.src.size, sourceBytesRead: 0, resumedFrom: 0 });
        break;
      case 'delete':
        deletes.push(action);
        break;
      case 'copy': {
        summary.plannedFiles++;
        summary.plannedBytes += action.src.size;
        if (options.dryRun) break;
        const job = limit(() => copy(action));
        inflight.add(job);
        void job.finally(() => inflight.delete(job));
        // Keep the planner only a little ahead of the transfers: memory stays flat on huge trees.
        if (inflight.size >= transfers * 4) await Promise.race(inflight);
        break;
      }
    }
  }
  await Promise.all(inflight);

  if (deletes.length > 0) {
    const held = heldDeletesReason(tally, options.maxDelete);
    if (options.dryRun) {
      summary.deletesPending = deletes.length;
      if (held) holdDeletes(summary, deletes.length, held);
    } else if (summary.failed > 0) {
      summary.deletesPending = deletes.length;
      emit({ type: 'deletes-skipped', count: deletes.length, reason: `${summary.failed} error(s) in this run` });
    } else if (held) {
      holdDeletes(summary, deletes.length, held);
      emit({ type: 'deletes-skipped', count: deletes.length, reason: held });
    } else {
      const remove = options.target.provider.remove?.bind(options.target.provider);
      for (const action of deletes) {
        if (!remove) {
          fail(action.rel, `remote '${options.target.provider.remote}' cannot delete files`);
          continue;
        }
        try {
          await remove(action.dst.path, action.dst.id);
          summary.deleted++;
          emit({ type: 'deleted', rel: action.rel });
        } catch (err) {
          fail(action.rel, errorMessage(err));
        }
      }
    }
  }

  summary.durationMs = Date.now() - started;
  return summary;
}

function holdDeletes(summary: RunSummary, count: number, reason: string): void {
  summary.deletesHeld = count;
  summary.deletesHeldReason = reason;
}

/** The warning for a planned file that lands under another name than its own, if it does. */
export function renamedDuplicate(action: Action): Extract<RunEvent, { type: 'renamed-duplicate' }> | undefined {
  if ((action.kind !== 'copy' && action.kind !== 'skip') || action.renamedFrom === undefined) return undefined;
  return { type: 'renamed-duplicate', rel: action.rel, from: action.renamedFrom, ...(action.src.id ? { id: action.src.id } : {}) };
}
