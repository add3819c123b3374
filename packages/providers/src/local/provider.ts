import { createReadStream, promises as fs, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import {
  type Capabilities,
  type Entry,
  type Provider,
  type ReadOptions,
  type UploadRequest,
  type UploadSession,
  BadInput,
  checkName,
  sha1OfStream,
} from '@ferry/core';
import { mapFsError } from './errors.js';
import { LocalUpload } from './upload.js';

const READ_CHUNK = 1024 * 1024;

/**
 * A folder on local disk seen as a remote. Every path is resolved below `root` one checked name at
 * a time, so nothing (not a hostile cloud listing, not a crafted config) writes outside it.
 */
export class LocalProvider implements Provider {
  readonly type = 'local';
  readonly capabilities: Capabilities = {
    read: true,
    write: true,
    rapidUpload: false,
    serverSideImport: false,
    hashes: [],
    rangeRead: true,
  };
  private readonly hashCache = new Map<string, string>();

  constructor(
    readonly remote: string,
    readonly root: string,
  ) {}

  private display(path: string): string {
    if (this.remote !== 'local') return `${this.remote}:${path}`;
    return path === '/' || path === '' ? this.root : join(this.root, path);
  }

  /** The absolute file-system path of a remote path, refusing any unsafe component. */
  private resolve(path: string): string {
    const parts = path.split('/').filter((p) => p !== '');
    for (const part of parts) checkName(part, this.display(path));
    return parts.length ? join(this.root, ...parts) : this.root;
  }

  private toEntry(path: string, name: string, st: Stats): Entry {
    return { path, name, isDir: st.isDirectory(), size: st.isDirectory() ? 0 : st.size, mtime: st.mtimeMs };
  }

  async stat(path: string): Promise<Entry> {
    const abs = this.resolve(path);
    try {
      const st = await fs.stat(abs);
      const name = path.split('/').filter(Boolean).pop() ?? basename(this.root);
      return this.toEntry(path === '' ? '/' : path, name, st);
    } catch (err) {
      throw mapFsError(err, this.display(path));
    }
  }

  async *list(dir: string): AsyncIterable<Entry> {
    const abs = this.resolve(dir);
    let handle;
    try {
      handle = await fs.opendir(abs, { bufferSize: 256 });
    } catch (err) {
      throw mapFsError(err, this.display(dir));
    }
    const base = dir === '/' ? '' : dir.replace(/\/+$/, '');
    for await (const dirent of handle) {
      const path = `${base}/${dirent.name}`;
      let st: Stats;
      try {
        st = await fs.stat(join(abs, dirent.name));
      } catch (err) {
        // A dangling symlink or a file removed while listing is not part of the tree.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw mapFsError(err, this.display(path));
      }
      // Symlinked folders are not followed: they can loop or lead outside the tree.
      if (dirent.isSymbolicLink() && st.isDirectory()) continue;
      if (!st.isFile() && !st.isDirectory()) continue;
      yield this.toEntry(path, dirent.name, st);
    }
  }

  async openRead(entry: Entry, options: ReadOptions = {}): Promise<Readable> {
    const abs = this.resolve(entry.path);
    let handle;
    try {
      // Opened here, not lazily in the stream, so "permission denied" surfaces as a typed error.
      handle = await fs.open(abs, 'r');
    } catch (err) {
      throw mapFsError(err, this.display(entry.path));
    }
    const start = options.start ?? 0;
    const end = options.end ?? entry.size;
    if (end <= start) {
      await handle.close();
      return Readable.from([]);
    }
    return createReadStream('', { fd: handle, start, end: end - 1, highWaterMark: READ_CHUNK });
  }

  async readRange(entry: Entry, start: number, end: number): Promise<Buffer> {
    const abs = this.resolve(entry.path);
    let handle;
    try {
      handle = await fs.open(abs, 'r');
    } catch (err) {
      throw mapFsError(err, this.display(entry.path));
    }
    try {
      const buf = Buffer.alloc(Math.max(0, end - start));
      let done = 0;
      while (done < buf.length) {
        const { bytesRead } = await handle.read(buf, done, buf.length - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buf.subarray(0, done);
    } finally {
      await handle.close();
    }
  }

  async mkdirp(dir: string): Promise<void> {
    const abs = this.resolve(dir);
    try {
      await fs.mkdir(abs, { recursive: true });
    } catch (err) {
      throw mapFsError(err, this.display(dir));
    }
  }

  async beginUpload(path: string, request: UploadRequest): Promise<UploadSession> {
    const abs = this.resolve(path);
    if (abs === this.root) throw new BadInput(`${this.display(path)}: cannot write a file over the remote's root`);
    return LocalUpload.begin(abs, path, this.display(path), request);
  }

  async remove(path: string): Promise<void> {
    const abs = this.resolve(path);
    if (abs === this.root) throw new BadInput(`${this.display(path)}: refusing to remove the remote's root`);
    try {
      await fs.rm(abs, { recursive: true });
    } catch (err) {
      throw mapFsError(err, this.display(path));
    }
  }

  async move(from: string, to: string): Promise<Entry> {
    const src = this.resolve(from);
    const dst = this.resolve(to);
    try {
      await fs.rename(src, dst);
    } catch (err) {
      throw mapFsError(err, this.display(from));
    }
    return this.stat(to);
  }

  async hash(entry: Entry): Promise<string> {
    const key = `${entry.path}\0${entry.size}\0${entry.mtime}`;
    const cached = this.hashCache.get(key);
    if (cached) return cached;
    const sha1 = await sha1OfStream(await this.openRead(entry));
    this.hashCache.set(key, sha1);
    return sha1;
  }
}
