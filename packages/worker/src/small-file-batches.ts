import { parentPath } from '@ferry/core';
import type { BatchJobData } from './job-data.js';

/** Files up to this size travel in batches; bigger ones get a job (and a checkpoint) each. */
export const SMALL_FILE_BYTES = 1024 * 1024;
/** Planned entries of a folder per window: a batch never holds more files than this. */
const WINDOW = 32;
/** A window's small files are split into batches of at most this many bytes. */
const BATCH_BYTES = 16 * 1024 * 1024;

export type BatchedFile = BatchJobData['files'][number];

export interface Batch {
  folder: string;
  window: number;
  /** Which byte-bounded slice of the window. */
  part: number;
  files: BatchedFile[];
}

/**
 * Groups the small files of the plan into batches by their place in it: a folder's planned
 * entries (copies and skips alike) fall into windows of WINDOW, so a replan after some files
 * landed (they now plan as skips) gives every batch the same name as before.
 */
export class SmallFileBatches {
  private folder: string | undefined;
  private position = 0;
  private current: Batch | undefined;
  private bytes = 0;

  /**
   * Called for every copy and skip in plan order, with the file when it is a small copy.
   * Returns the batches this entry closed.
   */
  place(rel: string, small?: BatchedFile): Batch[] {
    const folder = parentPath(`/${rel}`);
    const closed: Batch[] = [];
    if (folder !== this.folder) {
      closed.push(...this.close());
      this.folder = folder;
      this.position = 0;
    }
    const window = Math.floor(this.position++ / WINDOW);
    if (this.current && this.current.window !== window) closed.push(...this.close());
    if (!small) return closed;
    if (this.current && this.bytes + small.src.size > BATCH_BYTES) {
      const part = this.current.part + 1;
      closed.push(...this.close());
      this.current = { folder, window, part, files: [] };
    }
    this.current ??= { folder, window, part: 0, files: [] };
    this.current.files.push(small);
    this.bytes += small.src.size;
    return closed;
  }

  /** The batch still open at the end of the plan. */
  close(): Batch[] {
    const batch = this.current;
    this.current = undefined;
    this.bytes = 0;
    return batch ? [batch] : [];
  }
}
