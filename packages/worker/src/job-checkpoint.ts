import type { Job } from 'bullmq';
import type { CheckpointHandle, FileCheckpoint } from '@ferry/core';
import type { FileJobData } from './job-data.js';

/**
 * core's CheckpointHandle kept in the file job's own data: after each part the multipart state,
 * the offset and the hasher state are in Redis, so whichever worker takes the job over after a
 * crash continues from the last finished part.
 */
export function jobCheckpoint(job: Job, data: FileJobData): CheckpointHandle {
  let current: FileCheckpoint | undefined = data.checkpoint;
  const { checkpoint: _dropped, ...rest } = data;
  return {
    load: async () => current,
    save: async (checkpoint) => {
      current = checkpoint;
      await job.updateData({ ...rest, checkpoint });
    },
    clear: async () => {
      if (!current) return;
      current = undefined;
      await job.updateData(rest);
    },
  };
}
