import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type Entry, type UploadPart, type UploadRequest, type UploadSession, type UploadState, IntegrityError, PARTIAL_PREFIX, checkName } from '@ferry/core';
import { mapFsError } from './errors.js';

/** Local uploads checkpoint every 64 MiB: a crash costs at most that much re-reading. */
export const LOCAL_PART_SIZE = 64 * 1024 * 1024;

interface LocalUploadState extends UploadState {
  tmp: string;
  written: number;
}

function isLocalUploadState(s: UploadState | undefined): s is LocalUploadState {
  return !!s && typeof s.tmp === 'string' && typeof s.written === 'number';
}

/**
 * Bytes go to a hidden partial file next to the target and are renamed into place only when the
 * whole file is there and fsynced, so the final name never holds a half-written file.
 */
export class LocalUpload implements UploadSession {
  readonly partSize = LOCAL_PART_SIZE;
  private constructor(
    private readonly finalPath: string,
    private readonly remotePath: string,
    private readonly display: string,
    private readonly request: UploadRequest,
    private readonly tmpPath: string,
    private handle: fs.FileHandle | undefined,
    private written: number,
  ) {}

  get offset(): number {
    return this.written;
  }

  static async begin(finalPath: string, remotePath: string, display: string, request: UploadRequest): Promise<LocalUpload> {
    const dir = dirname(finalPath);
    const resumed = await LocalUpload.resume(dir, request.resume);
    if (resumed) return new LocalUpload(finalPath, remotePath, display, request, resumed.tmpPath, resumed.handle, resumed.written);
    // Long names would overflow NAME_MAX once prefixed: the partial name keeps a readable head.
    const tmpName = `${PARTIAL_PREFIX}${basename(finalPath).slice(0, 180)}.${randomBytes(4).toString('hex')}`;
    const tmpPath = join(dir, tmpName);
    try {
      const handle = await fs.open(tmpPath, 'wx', 0o644);
      return new LocalUpload(finalPath, remotePath, display, request, tmpPath, handle, 0);
    } catch (err) {
      throw mapFsError(err, display);
    }
  }

  private static async resume(
    dir: string,
    state: UploadState | undefined,
  ): Promise<{ tmpPath: string; handle: fs.FileHandle; written: number } | undefined> {
    if (!isLocalUploadState(state)) return undefined;
    try {
      checkName(state.tmp, dir);
    } catch {
      return undefined;
    }
    if (!state.tmp.startsWith(PARTIAL_PREFIX)) return undefined;
    const tmpPath = join(dir, state.tmp);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(tmpPath, 'r+');
    } catch {
      return undefined;
    }
    const { size } = await handle.stat();
    if (size < state.written) {
      await handle.close();
      await fs.rm(tmpPath, { force: true });
      return undefined;
    }
    await handle.truncate(state.written);
    return { tmpPath, handle, written: state.written };
  }

  state(): LocalUploadState {
    return { tmp: basename(this.tmpPath), written: this.written };
  }

  private async open(): Promise<fs.FileHandle> {
    this.handle ??= await fs.open(this.tmpPath, 'r+');
    return this.handle;
  }

  async writePart(part: UploadPart): Promise<void> {
    if (part.offset !== this.written) {
      throw new IntegrityError(`${this.display}: part at ${part.offset} does not follow byte ${this.written}`);
    }
    const handle = await this.open();
    let position = part.offset;
    try {
      for await (const chunk of part.data) {
        const buf = chunk as Buffer;
        let done = 0;
        while (done < buf.length) {
          const { bytesWritten } = await handle.write(buf, done, buf.length - done, position);
          done += bytesWritten;
          position += bytesWritten;
        }
      }
    } catch (err) {
      throw mapFsError(err, this.display);
    }
    if (position - part.offset !== part.length) {
      throw new IntegrityError(`${this.display}: part ${part.index} wrote ${position - part.offset} of ${part.length} bytes`);
    }
    this.written = position;
  }

  async complete(): Promise<Entry> {
    const handle = await this.open();
    try {
      await handle.truncate(this.written);
      await handle.sync();
      await handle.close();
      this.handle = undefined;
      if (this.written !== this.request.size) {
        throw new IntegrityError(`${this.display}: wrote ${this.written} bytes, expected ${this.request.size}`);
      }
      if (this.request.mtime !== undefined) {
        const t = new Date(this.request.mtime);
        await fs.utimes(this.tmpPath, t, t);
      }
      await fs.rename(this.tmpPath, this.finalPath);
    } catch (err) {
      await this.abort();
      throw mapFsError(err, this.display);
    }
    const st = await fs.stat(this.finalPath);
    return { path: this.remotePath, name: basename(this.finalPath), isDir: false, size: st.size, mtime: st.mtimeMs };
  }

  async abort(): Promise<void> {
    await this.handle?.close().catch(() => {});
    this.handle = undefined;
    await fs.rm(this.tmpPath, { force: true });
  }
}
