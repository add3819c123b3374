import { isRetryable } from '../errors.js';
import type { ConflictPolicy, Provider } from '../provider.js';
import { type TransferContext, transferFile } from '../transfer.js';
import type { EmitEvent } from './events.js';
import { type CopyOutcome, type PlannedFile, fileEvent } from './outcomes.js';

export interface CopyFileContext {
  source: Provider;
  target: Provider;
  /** How the file is sent (checkpoint, --rapid-only, --bwlimit), passed to transferFile as given. */
  sending?: Omit<TransferContext, 'onBytes'>;
  emit: EmitEvent;
  /** What the target does with a name taken after planning (`--on-conflict`). */
  onConflict?: ConflictPolicy;
  /** `bytes` events go out at most this often (0: with every chunk); a follower over Redis needs no more. */
  bytesEventMs?: number;
}

/**
 * One attempt at one planned file, for every executor: transferFile and the byte count the
 * listeners see. A failed attempt takes the bytes it announced back out (they will be sent again,
 * or never land) and rethrows: retrying is the executor's business.
 */
export async function copyFile(file: PlannedFile, ctx: CopyFileContext): Promise<{ outcome: CopyOutcome; sha1?: string }> {
  const { emit } = ctx;
  const every = ctx.bytesEventMs ?? 0;
  let attemptBytes = 0;
  let unsent = 0;
  let lastSent = Date.now();
  const onBytes = (n: number) => {
    attemptBytes += n;
    unsent += n;
    if (every > 0 && Date.now() - lastSent < every) return;
    emit({ type: 'bytes', n: unsent });
    unsent = 0;
    lastSent = Date.now();
  };
  try {
    const result = await transferFile(
      {
        src: ctx.source,
        srcEntry: file.src,
        dst: ctx.target,
        dstPath: file.dstPath,
        ...(file.besideSameName ? { besideSameName: true } : {}),
        ...(ctx.onConflict ? { onConflict: ctx.onConflict } : {}),
      },
      { ...ctx.sending, onBytes },
    );
    if (unsent) emit({ type: 'bytes', n: unsent });
    const missed = result.kind === 'missed' ? { ...(result.sha1 ? { sha1: result.sha1 } : {}), ...(result.reason ? { reason: result.reason } : {}) } : {};
    const outcome: CopyOutcome = {
      rel: file.rel,
      outcome: result.kind,
      size: file.src.size,
      bytes: attemptBytes,
      sourceBytesRead: result.sourceBytesRead,
      resumedFrom: result.resumedFrom,
      ...missed,
    };
    // The SHA-1 of what landed, which a move checks the target against; outcomes keep a missed file's only.
    return { outcome, ...(result.sha1 ? { sha1: result.sha1 } : {}) };
  } catch (err) {
    const announced = attemptBytes - unsent;
    if (announced) emit({ type: 'bytes', n: -announced });
    throw err;
  }
}

/** Announces an outcome: its `file` event. */
export function announce(outcome: CopyOutcome, emit: EmitEvent): CopyOutcome {
  emit(fileEvent(outcome));
  return outcome;
}

/** Whether a failed attempt is the file's last: the error will not pass, or `attempt` (from 1) used up `attempts`. */
export function lastAttempt(err: unknown, attempt: number, attempts: number): boolean {
  return !isRetryable(err) || attempt >= attempts;
}
