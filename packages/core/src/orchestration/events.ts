import type { Action } from '../planner.js';

/** `missed`: a `--rapid-only` run found the target without these bytes and sent none. */
export type FileOutcome = 'copied' | 'rapid' | 'imported' | 'skipped' | 'missed';

/** What a run tells its listeners as it goes: the CLI's progress bar and the workers' event stream alike. */
export type RunEvent =
  | { type: 'planned'; action: Action }
  | { type: 'bytes'; n: number }
  /** `sha1` and `reason` come with a `missed` file (sha1 when it was known or computed). */
  | { type: 'file'; rel: string; outcome: FileOutcome; size: number; sourceBytesRead: number; resumedFrom: number; sha1?: string; reason?: string }
  | { type: 'retry'; rel: string; attempt: number; delayMs: number; message: string }
  /** `size` is there when a planned file failed (not a listing or a deletion), so progress can count it as ended. */
  | { type: 'failed'; rel: string; message: string; size?: number }
  | { type: 'deleted'; rel: string }
  /** A source file that shares its name with another in its folder lands as `rel` (see Action). */
  | { type: 'renamed-duplicate'; rel: string; from: string; id?: string }
  | { type: 'deletes-skipped'; count: number; reason: string };

export type EmitEvent = (event: RunEvent) => void;
