import type { Action } from '../planner.js';
import { type DeletionContext, settleDeletions } from './deletions.js';
import type { Executor } from './executor.js';
import type { RunOutcomes } from './outcomes.js';
import { intakePlan } from './plan-intake.js';
import type { PlannedRun } from './planned-run.js';
import { type RunSummary, summarize } from './summary.js';

export interface FinishOptions extends DeletionContext {
  /** Failed files listed with their reasons in the summary; the rest are counted. */
  listErrors?: number;
}

/**
 * plan -> actions -> outcomes -> summary -> deletions, for an executor that lives through the
 * whole run (the in-process runner). A queued transfer runs the same two halves in two job steps:
 * intakePlan when planning, finishRun once its child jobs have ended.
 */
export async function orchestrate(actions: AsyncIterable<Action>, executor: Executor, options: FinishOptions): Promise<RunSummary> {
  const planned = await intakePlan(actions, executor, options);
  return finishRun(planned, await executor.outcomes(), options);
}

/** The summary of a plan and its copies' outcomes, then the deletions it allows. */
export async function finishRun(planned: PlannedRun, outcomes: RunOutcomes, options: FinishOptions): Promise<RunSummary> {
  const summary = summarize(planned, outcomes, options);
  await settleDeletions(summary, planned, options);
  return summary;
}
