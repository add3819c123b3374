import { can } from './capabilities.js';
import type { Entry } from './entry.js';
import { IntegrityError, BadInput, isRetryable } from './errors.js';
import { Sha1, sha1OfStream } from './hash.js';
import { type CheckpointHandle, type FileCheckpoint, noCheckpoint } from './checkpoint.js';
import { PartReader } from './parts.js';
import { PositionalParts } from './positional-parts.js';
import { parentPath } from './names.js';
import type { BandwidthLimit } from './bandwidth.js';
import type { ConflictPolicy, Placement, Provider, RapidSource, UploadSession, UploadState } from './provider.js';

export interface FileTransfer {
  src: Provider;
  srcEntry: Entry;
  dst: Provider;
  dstPath: string;
  /** Land beside the target's files of this name: the source's other files of that name. */
  besideSameName?: boolean;
  /** The run's `--on-conflict`, passed on to the target (see Placement). */
  onConflict?: ConflictPolicy;
}

export interface TransferContext {
  checkpoint?: CheckpointHandle;
  /** Bytes of the file delivered to the target (streamed copies only). */
  onBytes?: (n: number) => void;
  /** Bytes read from the source only to compute the SHA-1 before a rapid upload. */
  onHashBytes?: (n: number) => void;
  /** `--rapid-only`: a rapid-upload miss ends the file as `missed`, and nothing is streamed. */
  rapidOnly?: boolean;
  /** `--bwlimit`: streamed bytes wait for this process-wide bucket. */
  bandwidth?: BandwidthLimit;
}

export interface FileResult {
  /**
   * `imported`: the target's service fetched it from the source (no byte through Ferry).
   * `missed`: `--rapid-only` and the target does not hold these bytes; nothing was written.
   */
  kind: 'copied' | 'rapid' | 'imported' | 'missed';
  /** Why a `missed` file missed, as the target said. */
  reason?: string;
  size: number;
  /** Known when the source listed it, a rapid upload needed it, or the bytes were hashed. */
  sha1?: string;
  /** Every byte read from the source for this file, proofs and hashing included. */
  sourceBytesRead: number;
  /** Where a resumed upload picked up (0 when it started fresh). */
  resumedFrom: number;
}

function where(t: FileTransfer): string {
  return `${t.dst.remote}:${t.dstPath}`;
}

/**
 * One file's journey (DESIGN.md): SHA-1 from the listing or computed, rapid upload when the target
 * offers it, else a streamed copy in parts, hashed on the fly, checkpointed after each part and
 * verified at the end. The caller has already decided the file needs copying. A target that can
 * fetch from this source itself imports it instead (a whole folder when the planner found none).
 */
export async function transferFile(t: FileTransfer, ctx: TransferContext = {}): Promise<FileResult> {
  const { src, srcEntry, dst, dstPath } = t;
  const placement: Placement = {
    ...(t.besideSameName ? { besideSameName: true } : {}),
    ...(t.onConflict ? { onConflict: t.onConflict } : {}),
  };
  if (can(dst, 'serverImport') && dst.serverImport.canImportFrom(src)) {
    if (can(dst, 'mkdirp')) await dst.mkdirp(parentPath(dstPath));
    const landed = await dst.serverImport.importEntry(src, srcEntry, dstPath, placement);
    return { kind: 'imported', size: landed.size, ...(srcEntry.sha1 ? { sha1: srcEntry.sha1 } : {}), sourceBytesRead: 0, resumedFrom: 0 };
  }
  if (srcEntry.isDir) throw new BadInput(`${src.remote}:${srcEntry.path} is a folder, not a file`);
  if (!can(dst, 'write')) throw new BadInput(`remote '${dst.remote}' (${dst.type}) cannot be written to`);
  const checkpoint = ctx.checkpoint ?? noCheckpoint;
  let sourceBytesRead = 0;

  await dst.mkdirp(parentPath(dstPath));

  // A checkpoint means a streamed upload was under way: its rapid attempt already missed, and the
  // SHA-1 it computed for that attempt is kept, so resuming reads no byte twice.
  // A rapid-only run streams nothing, so a checkpoint of an earlier streamed run is left alone.
  const saved = ctx.rapidOnly ? undefined : await usableCheckpoint(checkpoint, t);
  let sha1 = srcEntry.sha1 ?? saved?.sha1;
  let handover: UploadState | undefined;
  if (ctx.rapidOnly && !can(dst, 'rapidUpload')) {
    throw new BadInput(`remote '${dst.remote}' (${dst.type}) has no rapid upload; --rapid-only cannot be used with it`);
  }
  if (!saved && can(dst, 'rapidUpload')) {
    const rapidSource: RapidSource = {
      size: srcEntry.size,
      ...(sha1 ? { knownSha1: sha1 } : {}),
      sha1: async () =>
        (sha1 ??= can(src, 'hash')
          ? await src.hash(srcEntry)
          : await sha1OfStream(await src.openRead(srcEntry), (n) => {
              sourceBytesRead += n;
              ctx.onHashBytes?.(n);
            })),
      readRange: async (start, end) => {
        const bytes = await src.readRange(srcEntry, start, end);
        sourceBytesRead += bytes.length;
        return bytes;
      },
    };
    const rapid = await dst.tryRapidUpload(dstPath, rapidSource, placement);
    if (rapid.status === 'hit') {
      await checkpoint.clear();
      return { kind: 'rapid', size: srcEntry.size, sha1: await rapidSource.sha1(), sourceBytesRead, resumedFrom: 0 };
    }
    if (ctx.rapidOnly) {
      if (rapid.handover) await dst.discardRapidMiss?.(rapid.handover);
      return {
        kind: 'missed',
        size: srcEntry.size,
        ...(sha1 ? { sha1 } : {}),
        reason: rapid.reason ?? 'the target does not hold these bytes',
        sourceBytesRead,
        resumedFrom: 0,
      };
    }
    handover = rapid.handover;
  }

  const request = {
    ...placement,
    size: srcEntry.size,
    ...(sha1 ? { sha1 } : {}),
    ...(srcEntry.mtime !== undefined ? { mtime: srcEntry.mtime } : {}),
  };
  const resume = saved?.upload ?? handover;
  let session = await dst.beginUpload(dstPath, resume ? { ...request, resume } : request);
  // Hash only when something will check the digest: the source's listed SHA-1, or a target that
  // verifies what landed. Hashing bytes on their way to a target that cannot check them proves
  // nothing and costs a core (local to local copies).
  const hashing = sha1 !== undefined || session.needsSha1;
  const resumable =
    saved !== undefined && session.offset > 0 && session.offset === saved.offset && (!hashing || saved.hasher !== undefined);
  if (!resumable && session.offset !== 0) {
    // The target kept more or less than the checkpoint says: only a fresh start is safe.
    await session.abort();
    session = await dst.beginUpload(dstPath, request);
  }
  const hasher = hashing ? await Sha1.create(resumable ? saved.hasher : undefined) : undefined;
  // A session continued from a handover or a checkpoint, but with nothing sent yet, is checkpointed
  // before its first part: a crash, or a retry on another worker, continues it instead of opening one.
  const held = resume !== undefined && session.offset === 0;
  if (held) await checkpoint.save(checkpointOf(t, sha1, session, 0, undefined));
  try {
    return await finishUpload(t, ctx, checkpoint, session, hasher, sha1, sourceBytesRead, held);
  } finally {
    hasher?.close();
  }
}

async function finishUpload(
  t: FileTransfer,
  ctx: TransferContext,
  checkpoint: CheckpointHandle,
  session: UploadSession,
  hasher: Sha1 | undefined,
  sha1: string | undefined,
  sourceBytesRead: number,
  checkpointed: boolean,
): Promise<FileResult> {
  const { srcEntry } = t;
  const resumedFrom = session.offset;

  const progress = { read: 0, checkpointed: checkpointed || resumedFrom > 0 };
  try {
    await streamParts(t, session, hasher, checkpoint, ctx, sha1, progress);
  } catch (err) {
    // Keep what a checkpoint can resume after a temporary failure; drop everything else, so no
    // orphaned partial file outlives the run.
    if (!isRetryable(err) || !progress.checkpointed) {
      await session.abort().catch(() => {});
      await checkpoint.clear();
    }
    throw err;
  }
  sourceBytesRead += progress.read;

  const digest = hasher?.digest();
  if (sha1 && digest !== sha1) {
    await session.abort();
    await checkpoint.clear();
    throw new IntegrityError(
      `${where(t)}: SHA-1 of the bytes read (${digest}) differs from the source's ${sha1}; the partial copy was removed`,
    );
  }
  await session.complete(digest ? { sha1: digest } : {});
  await checkpoint.clear();
  return { kind: 'copied', size: srcEntry.size, ...(digest ? { sha1: digest } : {}), sourceBytesRead, resumedFrom };
}

async function usableCheckpoint(checkpoint: CheckpointHandle, t: FileTransfer): Promise<FileCheckpoint | undefined> {
  const saved = await checkpoint.load();
  if (!saved) return undefined;
  const { size, mtime, sha1 } = t.srcEntry;
  const same =
    saved.target === t.dstPath &&
    saved.source.size === size &&
    saved.source.mtime === mtime &&
    saved.source.sha1 === sha1;
  return same ? saved : undefined;
}

function checkpointOf(t: FileTransfer, sha1: string | undefined, session: UploadSession, offset: number, hasher: string | undefined): FileCheckpoint {
  const { size, mtime, sha1: listed } = t.srcEntry;
  return {
    source: { size, ...(mtime !== undefined ? { mtime } : {}), ...(listed ? { sha1: listed } : {}) },
    ...(sha1 ? { sha1 } : {}),
    target: t.dstPath,
    upload: session.state(),
    offset,
    ...(hasher !== undefined ? { hasher } : {}),
  };
}

async function streamParts(
  t: FileTransfer,
  session: UploadSession,
  hasher: Sha1 | undefined,
  checkpoint: CheckpointHandle,
  ctx: TransferContext,
  sha1: string | undefined,
  progress: { read: number; checkpointed: boolean },
): Promise<void> {
  const { src, srcEntry } = t;
  const size = srcEntry.size;
  let offset = session.offset;
  if (offset >= size) return;
  const describe = `${src.remote}:${srcEntry.path}`;
  const positional = can(src, 'readAt') ? new PositionalParts(src, srcEntry, describe) : undefined;
  const reader = positional ? undefined : new PartReader(await src.openRead(srcEntry, { start: offset, end: size }), describe);
  // Part boundaries written but not yet checkpointed, with the hasher's state at each: a session
  // with parts in flight confirms them later, and the checkpoint follows its `offset`.
  const boundaries: { offset: number; hasher?: string }[] = [];
  try {
    for (let index = Math.floor(offset / session.partSize); offset < size; index++) {
      const length = Math.min(session.partSize, size - offset);
      const onChunk = (chunk: Buffer) => {
        hasher?.update(chunk);
        progress.read += chunk.length;
        ctx.onBytes?.(chunk.length);
      };
      const throttle = ctx.bandwidth && ((n: number) => ctx.bandwidth!.take(n));
      await session.writePart(
        positional
          ? positional.part(index, offset, length, onChunk, throttle)
          : { index, offset, length, data: reader!.part(length, onChunk, throttle) },
      );
      offset += length;
      // A file that fits in one part has nothing to resume: its checkpoint would be pure cost.
      if (offset >= size && index === 0) break;
      boundaries.push({ offset, ...(hasher ? { hasher: hasher.save() } : {}) });
      const durable = session.offset;
      let mark: (typeof boundaries)[number] | undefined;
      while (boundaries.length > 0 && boundaries[0]!.offset <= durable) mark = boundaries.shift();
      if (mark?.offset !== durable) continue;
      await checkpoint.save(checkpointOf(t, sha1, session, mark.offset, mark.hasher));
      progress.checkpointed = true;
    }
  } finally {
    reader?.destroy();
  }
}
