import pLimit from 'p-limit';
import { type BackoffPolicy, defaultBackoff, retryDelay, sleep } from '../backoff.js';
import type { BandwidthLimit } from '../bandwidth.js';
import type { Entry } from '../entry.js';
import { errorMessage } from '../errors.js';
import type { Journal } from '../journal.js';
import { removeMovedSource } from '../move-source.js';
import type { Action } from '../planner.js';
import type { ConflictPolicy } from '../provider.js';
import type { Provider } from '../provider.js';
import { announce, copyFile, lastAttempt } from './copy-file.js';
import type { EmitEvent } from './events.js';
import type { Executor } from './executor.js';
import { type CopyOutcome, type FailedFile, type PlannedFile, type RunOutcomes, fileFailedEvent, skippedOutcome } from './outcomes.js';

export interface InProcessOptions {
  source: Provider;
  target: Provider;
  emit: EmitEvent;
  /** Files in flight at once. */
  transfers: number;
  retries: number;
  backoff?: BackoffPolicy;
  journal?: Journal;
  rapidOnly?: boolean;
  bandwidth?: BandwidthLimit;
  /** Move: each source file goes once its copy checks out on the target (see move-source.ts). */
  removeSource?: boolean;
  onConflict?: ConflictPolicy;
}

/**
 * Runs the copies in this process: a p-limit pool, retries with backoff for retryable errors, the
 * journal's checkpoints, and for a move the source file removed after each verified copy.
 */
export class InProcessExecutor implements Executor {
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly inflight = new Set<Promise<void>>();
  private readonly results: CopyOutcome[] = [];
  private readonly failed: FailedFile[] = [];

  constructor(private readonly o: InProcessOptions) {
    this.limit = pLimit(o.transfers);
  }

  async copy(file: PlannedFile): Promise<void> {
    this.start(() => this.copyWithRetries(file));
    // Keep the planner only a little ahead of the transfers: memory stays flat on huge trees.
    if (this.inflight.size >= this.o.transfers * 4) await Promise.race(this.inflight);
  }

  async skip(action: Extract<Action, { kind: 'skip' }>): Promise<boolean> {
    // --on-conflict skip keeps the target's file without comparing: the source file is then no copy of it.
    if (!this.o.removeSource || this.o.onConflict === 'skip') return false;
    this.start(async () => {
      if (await this.removeSource(action, action.dst.path, undefined, action.dst)) this.land(skippedOutcome(action.rel, action.src), true);
    });
    return true;
  }

  async planEnded(): Promise<void> {}

  async outcomes(): Promise<RunOutcomes> {
    await Promise.all(this.inflight);
    return { results: this.results, failed: this.failed };
  }

  private start(work: () => Promise<void>): void {
    const job = this.limit(work);
    this.inflight.add(job);
    void job.finally(() => this.inflight.delete(job));
  }

  private async copyWithRetries(file: PlannedFile): Promise<void> {
    const { o } = this;
    const attempts = o.retries + 1;
    for (let attempt = 1; ; attempt++) {
      try {
        const { outcome, sha1 } = await copyFile(file, {
          source: o.source,
          target: o.target,
          emit: o.emit,
          ...(o.onConflict && o.onConflict !== 'overwrite' ? { onConflict: o.onConflict } : {}),
          sending: {
            ...(o.journal ? { checkpoint: o.journal.checkpointFor(file.rel) } : {}),
            ...(o.rapidOnly ? { rapidOnly: true } : {}),
            ...(o.bandwidth ? { bandwidth: o.bandwidth } : {}),
          },
        });
        // A rapid-only miss sent nothing: its source file stays where it is.
        const move = !!o.removeSource && outcome.outcome !== 'missed';
        if (move && !(await this.removeSource(file, file.dstPath, sha1))) return;
        this.land(outcome, move);
        return;
      } catch (err) {
        if (lastAttempt(err, attempt, attempts)) {
          this.fail(file, errorMessage(err));
          return;
        }
        const delayMs = retryDelay(attempt, err, o.backoff ?? defaultBackoff);
        o.emit({ type: 'retry', rel: file.rel, attempt, delayMs, message: errorMessage(err) });
        await sleep(delayMs);
      }
    }
  }

  /** Whether the source file is gone; a file whose copy does not check out stays and fails. */
  private async removeSource(file: { rel: string; src: Entry }, dstPath: string, sha1?: string, dst?: Entry): Promise<boolean> {
    const { o } = this;
    try {
      await removeMovedSource({ source: o.source, src: file.src, target: o.target, dstPath, ...(sha1 ? { sha1 } : {}), ...(dst ? { dst } : {}) });
    } catch (err) {
      this.fail(file, errorMessage(err));
      return false;
    }
    o.emit({ type: 'deleted', rel: file.rel });
    return true;
  }

  private land(outcome: CopyOutcome, sourceRemoved: boolean): void {
    this.results.push(announce(sourceRemoved ? { ...outcome, sourceRemoved } : outcome, this.o.emit));
  }

  private fail(file: { rel: string; src: Entry }, message: string): void {
    this.failed.push({ rel: file.rel, message });
    this.o.emit(fileFailedEvent(file, message));
  }
}
