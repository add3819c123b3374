import type { BandwidthLimit } from './bandwidth.js';
import type { DeleteLimit } from './delete-guard.js';
import type { Journal } from './journal.js';
import { type PlanOptions, plan } from './planner.js';
import type { RunEvent } from './orchestration/events.js';
import { InProcessExecutor } from './orchestration/in-process-executor.js';
import { orchestrate } from './orchestration/orchestrate.js';
import type { RunSummary } from './orchestration/summary.js';

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

/**
 * The in-process runner: core's orchestration (orchestration/orchestrate.ts) with the planner's
 * copies run in this process (orchestration/in-process-executor.ts), a journal of upload
 * checkpoints so a killed run resumes large files where they stopped.
 */
export async function runTransfer(options: RunOptions): Promise<RunSummary> {
  const started = Date.now();
  const emit = options.onEvent ?? (() => {});
  const executor = new InProcessExecutor({
    source: options.source.provider,
    target: options.target.provider,
    emit,
    transfers: options.transfers ?? 4,
    retries: options.retries ?? 3,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.journal ? { journal: options.journal } : {}),
    ...(options.rapidOnly ? { rapidOnly: true } : {}),
    ...(options.bandwidth ? { bandwidth: options.bandwidth } : {}),
    ...(options.removeSource ? { removeSource: true } : {}),
    ...(options.onConflict ? { onConflict: options.onConflict } : {}),
  });
  const summary = await orchestrate(plan(options), executor, {
    emit,
    dryRun: !!options.dryRun,
    ...(options.maxDelete ? { maxDelete: options.maxDelete } : {}),
    target: () => options.target.provider,
  });
  summary.durationMs = Date.now() - started;
  return summary;
}
