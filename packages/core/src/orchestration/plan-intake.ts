import { tallyAction } from '../delete-guard.js';
import { errorMessage } from '../errors.js';
import type { Action } from '../planner.js';
import type { EmitEvent, RunEvent } from './events.js';
import type { Executor } from './executor.js';
import { fileEvent, skippedOutcome } from './outcomes.js';
import { type PlannedRun, emptyPlannedRun } from './planned-run.js';

/**
 * Walks the plan once for every executor: each action is announced, tallied for the deletion
 * guard, checked for a renamed duplicate, and then copied, skipped, kept for the deletions or
 * recorded as an error. A dry run hands nothing to the executor.
 */
export async function intakePlan(actions: AsyncIterable<Action>, executor: Executor, options: { emit: EmitEvent; dryRun?: boolean }): Promise<PlannedRun> {
  const { emit, dryRun } = options;
  const run = emptyPlannedRun();
  for await (const action of actions) {
    emit({ type: 'planned', action });
    tallyAction(run.tally, action);
    const duplicate = renamedDuplicate(action);
    if (duplicate) {
      run.renamedDuplicates++;
      emit(duplicate);
    }
    switch (action.kind) {
      case 'error': {
        const failure = { rel: action.rel, message: errorMessage(action.error) };
        run.errors.push(failure);
        emit({ type: 'failed', ...failure });
        break;
      }
      case 'skip':
        if (!dryRun && (await executor.skip(action, run))) break;
        run.skipped++;
        emit(fileEvent(skippedOutcome(action.rel, action.src)));
        break;
      case 'delete':
        run.deletes.push({ rel: action.rel, path: action.dst.path, isDir: action.dst.isDir, ...(action.dst.id ? { id: action.dst.id } : {}) });
        break;
      case 'copy':
        run.files++;
        run.bytes += action.src.size;
        if (!dryRun) await executor.copy(action, run);
        break;
    }
  }
  if (!dryRun) await executor.planEnded(run);
  return run;
}

/** The warning for a planned file that lands under another name than its own, if it does. */
function renamedDuplicate(action: Action): Extract<RunEvent, { type: 'renamed-duplicate' }> | undefined {
  if ((action.kind !== 'copy' && action.kind !== 'skip') || action.renamedFrom === undefined) return undefined;
  return { type: 'renamed-duplicate', rel: action.rel, from: action.renamedFrom, ...(action.src.id ? { id: action.src.id } : {}) };
}
