import type { UploadState } from './provider.js';

/**
 * Where a streamed upload stands: enough for any process to continue it. In-process the runner's
 * journal holds it; on workers it lives in the BullMQ job's data.
 */
export interface FileCheckpoint {
  /** The source as its listing showed it when the upload began; a changed source starts over. */
  source: { size: number; mtime?: number; sha1?: string };
  /** The file's SHA-1 when known before the bytes flowed (listed, or computed for a rapid attempt). */
  sha1?: string;
  target: string;
  upload: UploadState;
  /** Bytes landed and hashed so far: the next part starts here. */
  offset: number;
  /** Saved hash-wasm SHA-1 state covering bytes [0, offset), when the upload is being hashed. */
  hasher?: string;
}

export interface CheckpointHandle {
  load(): Promise<FileCheckpoint | undefined>;
  save(checkpoint: FileCheckpoint): Promise<void>;
  clear(): Promise<void>;
}

/** A checkpoint store that remembers nothing: a transfer without resumability. */
export const noCheckpoint: CheckpointHandle = {
  async load() {
    return undefined;
  },
  async save() {},
  async clear() {},
};
