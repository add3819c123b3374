import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import {
  type Entry,
  type UploadPart,
  type UploadRequest,
  type UploadSession,
  type UploadState,
  IntegrityError,
  PARTIAL_PREFIX,
  checkName,
} from '@ferry/core';
import { mapFsError } from './errors.js';

/** Local uploads checkpoint every 64 MiB: a crash costs at most that much re-reading. */
const LOCAL_PART_SIZE = 64 * 1024 * 1024;

/**
 * Files up to this size are written with synchronous calls: on local disk they finish in
 * microseconds, while each promise-based call costs tens of microseconds of bookkeeping, which
 * dominates a tree of many small files. Calls that can wait on the journal (create, fsync,
 * rename) stay async.
 */
const SYNC_WRITE_MAX = 1024 * 1024;

const writeAsync = promisify(fs.write);
const openAsync = promisify(fs.open);
const renameAsync = promisify(fs.rename);

/** Writes of 4 MiB each in flight for one large file; 16 MiB of buffers at most. */
const MAX_WRITES_IN_FLIGHT = 4;

async function writeFully(fd: number, buf: Buffer, position: number): Promise<void> {
  for (let done = 0; done < buf.length; ) {
    done += (await writeAsync(fd, buf, done, buf.length - done, position + done)).bytesWritten;
  }
}
const fsyncAsync = promisify(fs.fsync);

interface LocalUploadState extends UploadState {
  tmp: string;
  written: number;
}

function isLocalUploadState(s: UploadState | undefined): s is LocalUploadState {
  return !!s && typeof s.tmp === 'string' && typeof s.written === 'number';
}

/** Room left in NAME_MAX (255 bytes) once the prefix is added. */
const NAME_BUDGET = 255 - Buffer.byteLength(PARTIAL_PREFIX);

/**
 * One fixed partial name per target, as rclone does: a run killed before its first checkpoint
 * leaves a partial file that the next attempt at the same target overwrites, so none accumulate.
 * Names too long for the prefix keep a readable head and a hash of the whole name.
 */
export function partialName(name: string): string {
  if (Buffer.byteLength(name) <= NAME_BUDGET) return PARTIAL_PREFIX + name;
  const tag = '.' + createHash('sha1').update(name).digest('hex').slice(0, 16);
  let head = name;
  while (Buffer.byteLength(head) > NAME_BUDGET - tag.length) head = head.slice(0, -1);
  return PARTIAL_PREFIX + head + tag;
}

/**
 * Bytes go to a hidden partial file next to the target and are renamed into place only when the
 * whole file is there and fsynced, so the final name never holds a half-written file.
 */
export class LocalUpload implements UploadSession {
  readonly partSize = LOCAL_PART_SIZE;
  /** The bytes written are the bytes read: only a SHA-1 from the source's listing is worth checking. */
  readonly needsSha1 = false;

  private constructor(
    private readonly finalPath: string,
    private readonly remotePath: string,
    private readonly display: string,
    private readonly request: UploadRequest,
    private readonly tmpPath: string,
    private fd: number | undefined,
    private written: number,
  ) {}

  get offset(): number {
    return this.written;
  }

  static async begin(finalPath: string, remotePath: string, display: string, request: UploadRequest): Promise<LocalUpload> {
    const dir = dirname(finalPath);
    const resumed = LocalUpload.resume(dir, request.resume);
    if (resumed) return new LocalUpload(finalPath, remotePath, display, request, resumed.tmpPath, resumed.fd, resumed.written);
    const tmpPath = join(dir, partialName(basename(finalPath)));
    try {
      // Truncating: a partial file of the same target left by a killed run is garbage now.
      // Async: creating a file waits for the file system's journal, which another file's fsync
      // may be holding, and the main thread has hashing to do meanwhile.
      const fd = await openAsync(tmpPath, 'w', 0o644);
      return new LocalUpload(finalPath, remotePath, display, request, tmpPath, fd, 0);
    } catch (err) {
      throw mapFsError(err, display);
    }
  }

  private static resume(dir: string, state: UploadState | undefined): { tmpPath: string; fd: number; written: number } | undefined {
    if (!isLocalUploadState(state) || !state.tmp.startsWith(PARTIAL_PREFIX)) return undefined;
    try {
      checkName(state.tmp, dir);
    } catch {
      return undefined;
    }
    const tmpPath = join(dir, state.tmp);
    let fd: number;
    try {
      fd = fs.openSync(tmpPath, 'r+');
    } catch {
      return undefined;
    }
    if (fs.fstatSync(fd).size < state.written) {
      fs.closeSync(fd);
      fs.rmSync(tmpPath, { force: true });
      return undefined;
    }
    // Bytes past the checkpoint were never confirmed: they are written again.
    fs.ftruncateSync(fd, state.written);
    return { tmpPath, fd, written: state.written };
  }

  state(): LocalUploadState {
    return { tmp: basename(this.tmpPath), written: this.written };
  }

  private open(): number {
    this.fd ??= fs.openSync(this.tmpPath, 'r+');
    return this.fd;
  }

  async writePart(part: UploadPart): Promise<void> {
    if (part.offset !== this.written) {
      throw new IntegrityError(`${this.display}: part at ${part.offset} does not follow byte ${this.written}`);
    }
    const small = this.request.size <= SYNC_WRITE_MAX;
    let position = part.offset;
    // Positional writes may complete in any order, so a few run at once while the next chunk is
    // read and hashed: the disk and the hash overlap instead of taking turns.
    const inflight = new Set<Promise<void>>();
    let failure: unknown;
    try {
      const fd = this.open();
      for await (const chunk of part.data) {
        const buf = chunk as Buffer;
        if (small) {
          for (let done = 0; done < buf.length; ) done += fs.writeSync(fd, buf, done, buf.length - done, position + done);
        } else {
          const write = writeFully(fd, buf, position).then(
            () => void inflight.delete(write),
            (err: unknown) => {
              failure ??= err;
              inflight.delete(write);
            },
          );
          inflight.add(write);
          if (inflight.size >= MAX_WRITES_IN_FLIGHT) await Promise.race(inflight);
          if (failure) throw failure;
        }
        position += buf.length;
      }
      await Promise.all(inflight);
      if (failure) throw failure;
      if (position - part.offset !== part.length) {
        throw new IntegrityError(`${this.display}: part ${part.index} wrote ${position - part.offset} of ${part.length} bytes`);
      }
      this.written = position;
    } catch (err) {
      // No write may still be running when the caller aborts and closes the file.
      await Promise.allSettled(inflight);
      throw mapFsError(err, this.display);
    }
  }

  async complete(): Promise<Entry> {
    try {
      if (this.written !== this.request.size) {
        throw new IntegrityError(`${this.display}: wrote ${this.written} bytes, expected ${this.request.size}`);
      }
      const fd = this.open();
      await fsyncAsync(fd);
      if (this.request.mtime !== undefined) {
        const t = new Date(this.request.mtime);
        fs.futimesSync(fd, t, t);
      }
      fs.closeSync(fd);
      this.fd = undefined;
      await renameAsync(this.tmpPath, this.finalPath);
    } catch (err) {
      await this.abort();
      throw mapFsError(err, this.display);
    }
    return {
      path: this.remotePath,
      name: basename(this.finalPath),
      isDir: false,
      size: this.written,
      ...(this.request.mtime !== undefined ? { mtime: this.request.mtime } : {}),
    };
  }

  async abort(): Promise<void> {
    if (this.fd !== undefined) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // Already closed or never valid: the file is removed below either way.
      }
      this.fd = undefined;
    }
    fs.rmSync(this.tmpPath, { force: true });
  }
}
