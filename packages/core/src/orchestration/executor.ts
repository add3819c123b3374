import type { Action } from '../planner.js';
import type { PlannedFile, RunOutcomes } from './outcomes.js';
import type { PlannedRun } from './planned-run.js';

/**
 * Carries out a run's copies: in this process under a pool, or as queued child jobs. `run` is the
 * plan so far, for an executor that reports planning progress.
 */
export interface Executor {
  /** A planned copy to carry out; the planner waits for this, so an executor may hold it back. */
  copy(file: PlannedFile, run: PlannedRun): Promise<void>;
  /** A file already on the target. True when the executor takes it over (a move removes its source) and reports its outcome. */
  skip(action: Extract<Action, { kind: 'skip' }>, run: PlannedRun): Promise<boolean>;
  /** The plan has ended: nothing more comes. */
  planEnded(run: PlannedRun): Promise<void>;
  /** Every outcome of the copies handed over, once all have ended. */
  outcomes(): Promise<RunOutcomes>;
}
