import { type Location, findOverlap } from '@ferry/core';
import { UsageError } from './output.js';

/**
 * Refuses a source and destination that overlap, before anything is read, written or queued: the
 * planner refuses too, but only once a run has started (on a worker, after the queueing).
 */
export async function refuseOverlap(source: Location, target: Location): Promise<void> {
  const overlap = await findOverlap(source, target);
  if (overlap) throw new UsageError(overlap);
}
