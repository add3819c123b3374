import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Entry } from '../entry.js';
import { BadInput, IntegrityError, NotFound } from '../errors.js';
import { baseName, checkName, parentPath } from '../names.js';
import type {
  Capabilities,
  Placement,
  Provider,
  RapidResult,
  RapidSource,
  ReadOptions,
  UploadPart,
  UploadRequest,
  UploadSession,
} from '../provider.js';

interface MemFile {
  data: Buffer;
  mtime: number;
  id?: string;
}

export interface MemoryProviderOptions {
  /** Whether listings carry SHA-1 (as 115 and Aliyun do). */
  listSha1?: boolean;
  /** Offer rapid upload: a hit when any stored file has the same SHA-1 and size. */
  rapidUpload?: boolean;
  partSize?: number;
  /** Uploads check the SHA-1 of what landed on complete, as a verifying cloud does. */
  needsSha1?: boolean;
  /** A folder holds several files of one name, as 115 does: uploads asked to land beside do. */
  sameNameFiles?: boolean;
  /** Called before each part is written; throw from it to inject a failure. */
  beforePart?: (part: { index: number; offset: number }) => void;
  /**
   * The last this many parts written stay in flight, out of `offset` and `state()`, until more
   * are written or the upload completes, as parts sent in parallel do.
   */
  inFlightParts?: number;
  /** Reads in place (`readAt`), as local disk does: the engine then offers parts' `readInto`. */
  readAt?: boolean;
  /** Uploads take a part through its `readInto`, into a buffer of their own, when it has one. */
  takesReadInto?: boolean;
}

/**
 * An in-memory provider for engine tests: a stand-in for a remote whose listing we control
 * entirely (hostile names, wrong SHA-1s). It is a test fixture, not a model of any real service.
 */
export class MemoryProvider implements Provider {
  readonly type = 'memory';
  readonly capabilities: Capabilities;
  readonly files = new Map<string, MemFile>();
  readonly dirs = new Set<string>(['/']);
  /** Listing overrides: extra raw names under a folder, or a wrong SHA-1 for a path. */
  readonly extraNames = new Map<string, string[]>();
  readonly fakeSha1 = new Map<string, string>();
  /** Further files under a path `files` already holds, by id, as a 115 folder can have them. */
  readonly sameName = new Map<string, MemFile & { path: string }>();
  private nextId = 1;
  bytesRead = 0;
  rangeBytesRead = 0;
  hashed = 0;

  constructor(
    readonly remote: string,
    private readonly options: MemoryProviderOptions = {},
  ) {
    this.capabilities = {
      read: true,
      write: true,
      rapidUpload: !!options.rapidUpload,
      serverSideImport: false,
      hashes: options.listSha1 ? ['sha1'] : [],
      rangeRead: true,
      sameNameFiles: !!options.sameNameFiles,
    };
    // Declared once: without the flag, the method is not there either.
    if (!options.rapidUpload) Object.defineProperty(this, 'tryRapidUpload', { value: undefined });
    if (!options.readAt) Object.defineProperty(this, 'readAt', { value: undefined });
  }

  put(path: string, data: Buffer | string, mtime = Date.now(), id?: string): void {
    this.files.set(path, { data: Buffer.from(data), mtime, ...(id ? { id } : {}) });
    for (let p = parentPath(path); ; p = parentPath(p)) {
      this.dirs.add(p);
      if (p === '/') break;
    }
  }

  /** One more file under a path that already holds one (listed after it); `id` tells them apart. */
  putSameName(path: string, data: Buffer | string, id: string, mtime = Date.now()): void {
    if (!this.files.has(path)) throw new BadInput(`${path}: put a first file there before another of its name`);
    this.sameName.set(id, { path, data: Buffer.from(data), mtime, id });
  }

  private entry(path: string, file = this.files.get(path)): Entry {
    if (file) {
      const sha1 = this.fakeSha1.get(path) ?? createHash('sha1').update(file.data).digest('hex');
      return {
        path,
        name: baseName(path),
        isDir: false,
        size: file.data.length,
        mtime: file.mtime,
        ...(this.options.listSha1 ? { sha1 } : {}),
        ...(file.id ? { id: file.id } : {}),
      };
    }
    if (this.dirs.has(path)) return { path, name: baseName(path), isDir: true, size: 0 };
    throw new NotFound(`${this.remote}:${path}: not found`);
  }

  async stat(path: string): Promise<Entry> {
    return this.entry(path === '' ? '/' : path);
  }

  async *list(dir: string): AsyncIterable<Entry> {
    if (!this.dirs.has(dir)) throw new NotFound(`${this.remote}:${dir}: not found`);
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const children = new Set<string>();
    for (const p of [...this.files.keys(), ...this.dirs]) {
      if (p !== dir && p.startsWith(prefix) && !p.slice(prefix.length).includes('/')) children.add(p);
    }
    for (const p of [...children].sort()) {
      yield this.entry(p);
      for (const file of this.sameName.values()) if (file.path === p) yield this.entry(p, file);
    }
    for (const name of this.extraNames.get(dir) ?? []) {
      yield { path: `${prefix}${name}`, name, isDir: false, size: 4, mtime: 0 };
    }
  }

  private data(entry: Entry): Buffer {
    const file = (entry.id ? this.sameName.get(entry.id) : undefined) ?? this.files.get(entry.path);
    if (!file) throw new NotFound(`${this.remote}:${entry.path}: not found`);
    return file.data;
  }

  async openRead(entry: Entry, options: ReadOptions = {}): Promise<Readable> {
    const data = this.data(entry).subarray(options.start ?? 0, options.end ?? entry.size);
    this.bytesRead += data.length;
    const chunks: Buffer[] = [];
    for (let i = 0; i < data.length; i += 64 * 1024) chunks.push(data.subarray(i, i + 64 * 1024));
    return Readable.from(chunks);
  }

  /** Parts read in place, counted apart from streamed reads. */
  bytesReadAt = 0;

  async readAt(entry: Entry, position: number, target: Buffer): Promise<number> {
    const n = this.data(entry).copy(target, 0, position, position + target.length);
    this.bytesReadAt += n;
    return n;
  }

  async readRange(entry: Entry, start: number, end: number): Promise<Buffer> {
    const bytes = Buffer.from(this.data(entry).subarray(start, end));
    this.rangeBytesRead += bytes.length;
    return bytes;
  }

  private checkPath(path: string): void {
    for (const part of path.split('/').filter(Boolean)) checkName(part, `${this.remote}:${path}`);
  }

  async mkdirp(dir: string): Promise<void> {
    this.checkPath(dir);
    if (this.files.has(dir)) throw new BadInput(`${this.remote}:${dir} is a file`);
    for (let p = dir; ; p = parentPath(p)) {
      this.dirs.add(p);
      if (p === '/') break;
    }
  }

  /** Lands a file at `path`: beside one already there when asked to, else in its place. */
  private land(path: string, data: Buffer, mtime: number, placement: Placement): void {
    const id = String(this.nextId++);
    if (placement.besideSameName && this.options.sameNameFiles && this.files.has(path)) this.putSameName(path, data, id, mtime);
    else this.put(path, data, mtime, id);
  }

  async tryRapidUpload(path: string, source: RapidSource, placement: Placement = {}): Promise<RapidResult> {
    this.checkPath(path);
    for (const file of this.files.values()) {
      if (file.data.length !== source.size) continue;
      if (createHash('sha1').update(file.data).digest('hex') !== (await source.sha1())) continue;
      // Ask for a proof as the real services do: a few bytes the caller must read from the source.
      const proof = await source.readRange(0, Math.min(8, source.size));
      if (!proof.equals(file.data.subarray(0, proof.length))) return { status: 'miss', reason: 'proof mismatch' };
      this.land(path, file.data, Date.now(), placement);
      return { status: 'hit' };
    }
    return { status: 'miss' };
  }

  async beginUpload(path: string, request: UploadRequest): Promise<UploadSession> {
    this.checkPath(path);
    const partSize = this.options.partSize ?? 1024 * 1024;
    const beforePart = this.options.beforePart;
    const needsSha1 = !!this.options.needsSha1;
    const takesReadInto = !!this.options.takesReadInto;
    const resumeChunks = request.resume?.chunks;
    const chunks: Buffer[] = Array.isArray(resumeChunks) ? resumeChunks.map((c) => Buffer.from(String(c), 'base64')) : [];
    let offset = chunks.reduce((n, c) => n + c.length, 0);
    const inFlight: Buffer[] = [];
    const inFlightParts = this.options.inFlightParts ?? 0;
    const confirm = (keep: number) => {
      while (inFlight.length > keep) {
        const next = inFlight.shift()!;
        chunks.push(next);
        offset += next.length;
      }
    };
    const put = (data: Buffer) => this.land(path, data, request.mtime ?? Date.now(), request);
    return {
      partSize,
      needsSha1: !!this.options.needsSha1,
      get offset() {
        return offset;
      },
      state: () => ({ chunks: chunks.map((c) => c.toString('base64')) }),
      async writePart(part: UploadPart) {
        beforePart?.(part);
        if (takesReadInto && part.readInto) {
          inFlight.push(Buffer.from(await part.readInto(Buffer.alloc(part.length))));
        } else {
          const bufs: Buffer[] = [];
          for await (const c of part.data) bufs.push(c as Buffer);
          inFlight.push(Buffer.concat(bufs));
        }
        confirm(inFlightParts);
      },
      async complete(final: { sha1?: string }) {
        confirm(0);
        const landed = Buffer.concat(chunks);
        if (needsSha1 && final.sha1 !== createHash('sha1').update(landed).digest('hex')) {
          throw new IntegrityError(`${path}: content hash mismatch`);
        }
        put(landed);
        return { path, name: baseName(path), isDir: false, size: offset };
      },
      async abort() {
        inFlight.length = 0;
        chunks.length = 0;
        offset = 0;
      },
    };
  }

  /** Hashes on request, as local disk does for files its listing gives no SHA-1 for. */
  async hash(entry: Entry): Promise<string> {
    this.hashed++;
    return createHash('sha1').update(this.data(entry)).digest('hex');
  }

  async remove(path: string, id?: string): Promise<void> {
    if (id !== undefined && this.sameName.delete(id)) return;
    if (this.files.delete(path)) {
      // Another file of the name takes the path over.
      const next = [...this.sameName.values()].find((f) => f.path === path);
      if (next) {
        this.sameName.delete(next.id!);
        this.files.set(path, { data: next.data, mtime: next.mtime, id: next.id! });
      }
      return;
    }
    if (!this.dirs.has(path)) throw new NotFound(`${this.remote}:${path}: not found`);
    const prefix = `${path}/`;
    for (const p of [...this.files.keys()]) if (p.startsWith(prefix)) this.files.delete(p);
    for (const p of [...this.dirs]) if (p === path || p.startsWith(prefix)) this.dirs.delete(p);
  }
}
