import type { CheckpointHandle, FileCheckpoint } from '../src/index.js';

/** A checkpoint kept in memory, every save recorded; loads hand out a copy, as a stored one would be. */
export function memoryCheckpoint(): CheckpointHandle & { saved: FileCheckpoint[]; current?: FileCheckpoint } {
  const h = {
    saved: [] as FileCheckpoint[],
    current: undefined as FileCheckpoint | undefined,
    async load() {
      return h.current && (JSON.parse(JSON.stringify(h.current)) as FileCheckpoint);
    },
    async save(cp: FileCheckpoint) {
      h.saved.push(cp);
      h.current = cp;
    },
    async clear() {
      h.current = undefined;
    },
  };
  return h;
}
