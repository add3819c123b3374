import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Entry, IntegrityError, TransientError, type UploadPart, type UploadSession, type UploadState } from '@ferry/core';
import { readAll } from './upload-session.js';

/**
 * An upload begun without the SHA-1. 115's init needs the SHA-1 before any byte goes to OSS, so
 * the parts are kept in a temporary file and hashed on the way; `complete` then runs the normal
 * init (which may turn out a rapid hit) and uploads from that file. The engine never gets here
 * (it tries a rapid upload first, which computes the SHA-1); direct callers of `beginUpload` do.
 * Not resumable: its state is empty and a restart begins at byte 0.
 */
export class SpoolUpload implements UploadSession {
  readonly needsSha1 = true;
  readonly offset = 0;
  private written = 0;
  private readonly hash = createHash('sha1');
  private file: Promise<string> | undefined;

  constructor(
    readonly partSize: number,
    private readonly size: number,
    private readonly where: string,
    private readonly land: (file: string, sha1: string) => Promise<Entry>,
  ) {}

  state(): UploadState {
    return {};
  }

  private path(): Promise<string> {
    this.file ??= fs.mkdtemp(join(tmpdir(), 'ferry-p115-')).then((dir) => join(dir, 'spool'));
    return this.file;
  }

  async writePart(part: UploadPart): Promise<void> {
    if (part.offset !== this.written) throw new TransientError(`${this.where}: parts go in order; expected offset ${this.written}`);
    const body = await readAll(part.data);
    if (body.length !== part.length) throw new TransientError(`${this.where}: read ${body.length} of ${part.length} bytes`);
    await fs.appendFile(await this.path(), body);
    this.hash.update(body);
    this.written += body.length;
  }

  async complete(final: { sha1?: string }): Promise<Entry> {
    try {
      if (this.written !== this.size) throw new IntegrityError(`${this.where}: ${this.written} of ${this.size} bytes were written`);
      const file = await this.path();
      if (this.size === 0) await fs.writeFile(file, Buffer.alloc(0));
      const sha1 = this.hash.digest('hex');
      if (final.sha1 && final.sha1.toLowerCase() !== sha1) {
        throw new IntegrityError(`${this.where}: the parts hash to ${sha1}, not ${final.sha1}; nothing landed`);
      }
      return await this.land(file, sha1);
    } finally {
      await this.abort();
    }
  }

  async abort(): Promise<void> {
    if (!this.file) return;
    const file = await this.file;
    this.file = undefined;
    await fs.rm(join(file, '..'), { recursive: true, force: true });
  }
}

/** Bytes [start, end) of a local file. */
export async function readFileRange(file: string, start: number, end: number): Promise<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(end - start);
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
