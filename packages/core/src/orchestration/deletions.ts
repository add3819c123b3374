import { type DeleteLimit, heldDeletesReason } from '../delete-guard.js';
import { errorMessage } from '../errors.js';
import type { Provider } from '../provider.js';
import type { EmitEvent } from './events.js';
import type { PlannedRun } from './planned-run.js';
import { type RunSummary, countFailure } from './summary.js';

export interface DeletionContext {
  emit: EmitEvent;
  dryRun?: boolean;
  maxDelete?: DeleteLimit;
  /** Asked only when the deletions do run (a worker resolves the remote then). */
  target: () => Provider | Promise<Provider>;
}

/**
 * The planned deletions, last: carried out only after a run without a single failure (rclone's
 * rule: never delete on the strength of a partial view) and when the deletion guard lets them;
 * otherwise counted as pending or held, with the reason. A dry run reports what a real one would.
 */
export async function settleDeletions(summary: RunSummary, planned: PlannedRun, ctx: DeletionContext): Promise<void> {
  const { deletes } = planned;
  if (deletes.length === 0) return;
  const { emit } = ctx;
  const held = heldDeletesReason(planned.tally, ctx.maxDelete);
  if (ctx.dryRun) {
    summary.deletesPending = deletes.length;
    if (held) holdDeletes(summary, deletes.length, held);
    return;
  }
  if (summary.failed > 0) {
    summary.deletesPending = deletes.length;
    emit({ type: 'deletes-skipped', count: deletes.length, reason: `${summary.failed} error(s) in this run` });
    return;
  }
  if (held) {
    holdDeletes(summary, deletes.length, held);
    emit({ type: 'deletes-skipped', count: deletes.length, reason: held });
    return;
  }
  const target = await ctx.target();
  for (const d of deletes) {
    try {
      if (!target.remove) throw new Error(`remote '${target.remote}' cannot delete files`);
      await target.remove(d.path, d.id);
      summary.deleted++;
      emit({ type: 'deleted', rel: d.rel });
    } catch (err) {
      const failure = { rel: d.rel, message: errorMessage(err) };
      countFailure(summary, failure);
      emit({ type: 'failed', ...failure });
    }
  }
}

function holdDeletes(summary: RunSummary, count: number, reason: string): void {
  summary.deletesHeld = count;
  summary.deletesHeldReason = reason;
}
