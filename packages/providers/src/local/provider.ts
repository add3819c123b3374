import { closeSync, createReadStream, openSync, promises as fs, readSync, statSync, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import {
  type Capabilities,
  type Entry,
  type LocationIdentity,
  type Provider,
  type ReadOptions,
  type SpaceUsage,
  type UploadRequest,
  type UploadSession,
  BadInput,
  checkName,
  Sha1,
} from '@ferry/core';
import { mapFsError } from './errors.js';
import { realPathNames } from './real-path.js';
import { LocalUpload } from './upload.js';

/** Large reads keep the syscall count of a big file low; four transfers hold 16 MiB of them. */
const READ_CHUNK = 4 * 1024 * 1024;
const SMALL_READ_MAX = 1024 * 1024;

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
    sameNameFiles: false,
  };
  private readonly hashCache = new Map<string, string>();
  /** Folders known to exist: a tree of many small files would otherwise mkdir once per file. */
  private readonly knownDirs = new Set<string>();

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

  /** Every local remote and bare path shares one disk: the real path decides. */
  async identify(path: string): Promise<LocationIdentity> {
    return { store: 'local', chain: await realPathNames(this.resolve(path), this.display(path)) };
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
        // A stat of a local file takes microseconds; the promise form would cost ten times that.
        st = statSync(join(abs, dirent.name));
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
    const start = options.start ?? 0;
    const end = options.end ?? entry.size;
    if (end - start <= SMALL_READ_MAX) return Readable.from(end > start ? [this.readSmall(entry, start, end)] : []);
    let handle;
    try {
      // Opened here, not lazily in the stream, so "permission denied" surfaces as a typed error.
      handle = await fs.open(this.resolve(entry.path), 'r');
    } catch (err) {
      throw mapFsError(err, this.display(entry.path));
    }
    return createReadStream('', { fd: handle, start, end: end - 1, highWaterMark: READ_CHUNK });
  }

  /** Small reads are synchronous: microseconds on local disk, cheaper than any async round trip. */
  private readSmall(entry: Entry, start: number, end: number): Buffer {
    const buf = Buffer.allocUnsafe(end - start);
    return buf.subarray(0, this.readSmallInto(entry, start, buf));
  }

  private readSmallInto(entry: Entry, position: number, target: Buffer): number {
    let fd: number;
    try {
      fd = openSync(this.resolve(entry.path), 'r');
    } catch (err) {
      throw mapFsError(err, this.display(entry.path));
    }
    try {
      let done = 0;
      while (done < target.length) {
        const n = readSync(fd, target, done, target.length - done, position + done);
        if (n === 0) break;
        done += n;
      }
      return done;
    } catch (err) {
      throw mapFsError(err, this.display(entry.path));
    } finally {
      closeSync(fd);
    }
  }

  async readRange(entry: Entry, start: number, end: number): Promise<Buffer> {
    return this.readSmall(entry, start, end);
  }

  async readAt(entry: Entry, position: number, target: Buffer): Promise<number> {
    if (target.length <= SMALL_READ_MAX) return this.readSmallInto(entry, position, target);
    let handle;
    try {
      handle = await fs.open(this.resolve(entry.path), 'r');
    } catch (err) {
      throw mapFsError(err, this.display(entry.path));
    }
    try {
      let done = 0;
      while (done < target.length) {
        const { bytesRead } = await handle.read(target, done, target.length - done, position + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done;
    } catch (err) {
      throw mapFsError(err, this.display(entry.path));
    } finally {
      await handle.close();
    }
  }

  async mkdirp(dir: string): Promise<void> {
    const abs = this.resolve(dir);
    if (this.knownDirs.has(abs)) return;
    try {
      await fs.mkdir(abs, { recursive: true });
    } catch (err) {
      throw mapFsError(err, this.display(dir));
    }
    this.knownDirs.add(abs);
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
    this.knownDirs.clear();
  }

  /** The file system holding the root, as df reports it: free is what this user may still write. */
  async about(): Promise<SpaceUsage> {
    let fsStats;
    try {
      fsStats = await fs.statfs(this.root);
    } catch (err) {
      throw mapFsError(err, this.display('/'));
    }
    const { bsize, blocks, bfree, bavail } = fsStats;
    return { used: (blocks - bfree) * bsize, total: blocks * bsize, free: bavail * bsize };
  }

  async move(from: string, to: string): Promise<Entry> {
    const src = this.resolve(from);
    const dst = this.resolve(to);
    try {
      await fs.rename(src, dst);
    } catch (err) {
      throw mapFsError(err, this.display(from));
    }
    this.knownDirs.clear();
    return this.stat(to);
  }

  /**
   * Reads into two reused buffers, the next read running on the thread pool while this one is
   * hashed: no garbage per chunk, and the disk and the hash overlap.
   */
  private async hashFile(entry: Entry): Promise<string> {
    let handle;
    try {
      handle = await fs.open(this.resolve(entry.path), 'r');
    } catch (err) {
      throw mapFsError(err, this.display(entry.path));
    }
    const hasher = await Sha1.create();
    try {
      const buffers = [Buffer.allocUnsafe(READ_CHUNK), Buffer.allocUnsafe(READ_CHUNK)];
      let position = 0;
      let turn = 0;
      let pending = handle.read(buffers[0]!, 0, READ_CHUNK, 0);
      for (;;) {
        const { bytesRead, buffer } = await pending;
        if (bytesRead === 0) break;
        position += bytesRead;
        turn ^= 1;
        pending = handle.read(buffers[turn]!, 0, READ_CHUNK, position);
        hasher.update(buffer.subarray(0, bytesRead));
      }
      return hasher.digest();
    } catch (err) {
      throw mapFsError(err, this.display(entry.path));
    } finally {
      hasher.close();
      await handle.close();
    }
  }

  async hash(entry: Entry): Promise<string> {
    const key = `${entry.path}\0${entry.size}\0${entry.mtime}`;
    const cached = this.hashCache.get(key);
    if (cached) return cached;
    const sha1 = await this.hashFile(entry);
    this.hashCache.set(key, sha1);
    return sha1;
  }
}
