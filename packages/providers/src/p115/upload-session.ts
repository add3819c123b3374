import type { Readable } from 'node:stream';
import {
  type Entry,
  IntegrityError,
  NotFound,
  TransientError,
  type UploadPart,
  type UploadSession,
  type UploadState,
} from '@ferry/core';
import { ossCallbackHeaders, ossCallbackResult115 } from '@ferry/protocols';
import type { OssTarget } from './upload-init.js';
import { type Oss115, xmlTag } from './upload-oss.js';

/** OSS multipart limits (web notes §4.5). */
const OSS_MIN_PART = 100 * 1024;
const OSS_MAX_PART = 5 * 1024 * 1024 * 1024;
const OSS_MAX_PARTS = 10_000;

/** The part size for a file: the configured one, raised (in whole MiB) so the file fits in 10000 parts. */
export function partSizeFor(size: number, configured: number): number {
  const mib = 1024 * 1024;
  const needed = Math.ceil(size / OSS_MAX_PARTS / mib) * mib;
  return Math.min(OSS_MAX_PART, Math.max(configured, needed, OSS_MIN_PART));
}

/** What a checkpoint keeps so any process continues the multipart upload. */
export interface P115UploadState extends UploadState {
  bucket: string;
  object: string;
  uploadId: string;
  callback: string;
  callback_var: string;
  size: number;
  sha1: string;
  part_size: number;
  /** Parts 1..parts.length are on OSS, in order. */
  parts: { n: number; etag: string }[];
}

export function isP115UploadState(s: UploadState | undefined): s is P115UploadState {
  return (
    !!s &&
    typeof s.bucket === 'string' &&
    typeof s.object === 'string' &&
    typeof s.uploadId === 'string' &&
    typeof s.callback === 'string' &&
    typeof s.callback_var === 'string' &&
    typeof s.size === 'number' &&
    typeof s.sha1 === 'string' &&
    typeof s.part_size === 'number' &&
    Array.isArray(s.parts) &&
    s.parts.every((p) => typeof p === 'object' && p !== null && typeof (p as { n?: unknown }).n === 'number' && typeof (p as { etag?: unknown }).etag === 'string')
  );
}

/** What landed, from 115's callback JSON. */
export interface Landed115 {
  fileId: string;
  pickCode: string;
  name: string;
  size: number;
  sha1: string;
}

/** The provider side of an upload: where it goes and what to do once 115 holds the file. */
export interface UploadHome {
  oss: Oss115;
  where: string;
  /** Replaces older files of the same name and returns the entry. */
  landed(file: Landed115): Promise<Entry>;
  /** Removes a file that landed wrong. */
  removeFile(fileId: string): Promise<void>;
}

/**
 * An OSS multipart upload into the object 115's init named: `?sequential&uploads&x-oss-enable-sha1`, parts PUT in
 * order with Content-MD5, then CompleteMultipartUpload with the callback headers, whose answer
 * is 115's callback JSON. `state()` lets another process continue after the last part.
 */
export class P115Upload implements UploadSession {
  readonly needsSha1 = true;

  private constructor(
    private readonly home: UploadHome,
    private readonly target: OssTarget,
    private readonly size: number,
    private readonly sha1: string,
    readonly partSize: number,
    private readonly uploadId: string,
    private readonly parts: { n: number; etag: string }[],
  ) {}

  get offset(): number {
    return Math.min(this.size, this.parts.length * this.partSize);
  }

  static async start(home: UploadHome, target: OssTarget, size: number, sha1: string, partSize: number): Promise<P115Upload> {
    const reply = await home.oss.send(
      // x-oss-enable-sha1: OSS fills the callback's `${sha1}` only for a multipart upload that asked for it.
      { verb: 'POST', bucket: target.bucket, object: target.object, query: [['sequential', ''], ['uploads', ''], ['x-oss-enable-sha1', '']] },
      `${home.where} (initiate multipart)`,
    );
    const uploadId = xmlTag(reply.text, 'UploadId');
    if (!uploadId) throw new TransientError(`${home.where}: OSS answered no UploadId`);
    return new P115Upload(home, target, size, sha1, partSize, uploadId, []);
  }

  /** The checkpointed upload if OSS still holds its parts; undefined means start over. */
  static async resume(home: UploadHome, state: P115UploadState): Promise<P115Upload | undefined> {
    let held: Map<number, string>;
    try {
      held = await listParts(home, state);
    } catch (err) {
      if (err instanceof NotFound) return undefined;
      throw err;
    }
    const parts: { n: number; etag: string }[] = [];
    for (const saved of state.parts) {
      if (saved.n !== parts.length + 1 || !sameEtag(held.get(saved.n), saved.etag)) break;
      parts.push(saved);
    }
    const target: OssTarget = { bucket: state.bucket, object: state.object, callback: state.callback, callback_var: state.callback_var };
    return new P115Upload(home, target, state.size, state.sha1, state.part_size, state.uploadId, parts);
  }

  state(): P115UploadState {
    return {
      bucket: this.target.bucket,
      object: this.target.object,
      uploadId: this.uploadId,
      callback: this.target.callback,
      callback_var: this.target.callback_var,
      size: this.size,
      sha1: this.sha1,
      part_size: this.partSize,
      parts: this.parts.map((p) => ({ ...p })),
    };
  }

  async writePart(part: UploadPart): Promise<void> {
    const n = part.index + 1;
    const where = `${this.home.where} (part ${n})`;
    if (part.index !== this.parts.length) throw new TransientError(`${where}: parts go in order; expected part ${this.parts.length + 1}`);
    const body = await readAll(part.data);
    if (body.length !== part.length) throw new TransientError(`${where}: read ${body.length} of ${part.length} bytes`);
    await this.putPart(n, body, where);
  }

  /** PUTs one part; the ETag OSS answers is the quoted MD5 the complete lists. */
  async putPart(n: number, body: Buffer, where: string): Promise<void> {
    const reply = await this.home.oss.send(
      { verb: 'PUT', bucket: this.target.bucket, object: this.target.object, query: [['partNumber', String(n)], ['uploadId', this.uploadId]], body },
      where,
    );
    const etag = header(reply.headers, 'etag');
    if (!etag) throw new TransientError(`${where}: OSS answered no ETag`);
    this.parts.push({ n, etag });
  }

  async complete(final: { sha1?: string }): Promise<Entry> {
    const where = `${this.home.where} (complete)`;
    const expected = (final.sha1 ?? this.sha1).toLowerCase();
    if (expected !== this.sha1.toLowerCase()) {
      await this.abort().catch(() => {});
      throw new IntegrityError(`${where}: the bytes sent hash to ${expected}, not the ${this.sha1.toLowerCase()} 115 was told; nothing landed`);
    }
    // OSS refuses a multipart upload without parts: an empty file is one empty part.
    if (this.parts.length === 0) await this.putPart(1, Buffer.alloc(0), where);
    const xml =
      '<CompleteMultipartUpload>' +
      this.parts.map((p) => `<Part><PartNumber>${p.n}</PartNumber><ETag>${escapeXml(p.etag)}</ETag></Part>`).join('') +
      '</CompleteMultipartUpload>';
    const reply = await this.home.oss.send(
      {
        verb: 'POST',
        bucket: this.target.bucket,
        object: this.target.object,
        query: [['uploadId', this.uploadId]],
        headers: { 'content-type': 'text/xml', ...ossCallbackHeaders(this.target.callback, this.target.callback_var) },
        body: Buffer.from(xml, 'utf8'),
      },
      where,
    );
    if (reply.status === 203) {
      // OSS assembled the object but 115's callback refused it: nothing landed, the upload id is spent.
      throw new TransientError(`${where}: 115's upload callback failed (${xmlTag(reply.text, 'Code') ?? 'HTTP 203'}: ${xmlTag(reply.text, 'Message') ?? ''})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(reply.text) as unknown;
    } catch {
      throw new TransientError(`${where}: OSS answered HTTP ${reply.status} without 115's callback JSON${reply.text ? `: ${reply.text.slice(0, 200)}` : ''}`);
    }
    const result = ossCallbackResult115.safeParse(json);
    if (!result.success) throw new TransientError(`${where}: 115's upload callback failed: ${reply.text.slice(0, 200)}`);
    const data = result.data.data;
    const landed: Landed115 = {
      fileId: String(data.file_id),
      pickCode: data.pick_code,
      name: data.file_name,
      size: Number(data.file_size),
      sha1: data.sha1.toLowerCase(),
    };
    if (landed.sha1 !== expected || landed.size !== this.size) {
      await this.home.removeFile(landed.fileId);
      throw new IntegrityError(
        `${where}: 115 holds ${landed.size} bytes of SHA-1 ${landed.sha1}, but ${this.size} bytes of SHA-1 ${expected} were sent; the file was removed`,
      );
    }
    return this.home.landed(landed);
  }

  async abort(): Promise<void> {
    try {
      await this.home.oss.send(
        { verb: 'DELETE', bucket: this.target.bucket, object: this.target.object, query: [['uploadId', this.uploadId]] },
        `${this.home.where} (abort)`,
      );
    } catch (err) {
      if (!(err instanceof NotFound)) throw err;
    }
  }
}

/** The parts OSS holds for an upload id, by number (ListParts, paged). NotFound when the id is gone. */
async function listParts(home: UploadHome, state: P115UploadState): Promise<Map<number, string>> {
  const held = new Map<number, string>();
  let marker = '';
  for (;;) {
    const reply = await home.oss.send(
      {
        verb: 'GET',
        bucket: state.bucket,
        object: state.object,
        query: [['uploadId', state.uploadId], ...(marker ? ([['part-number-marker', marker]] as [string, string][]) : [])],
      },
      `${home.where} (list parts)`,
    );
    for (const m of reply.text.matchAll(/<Part>([\s\S]*?)<\/Part>/g)) {
      const n = Number(xmlTag(m[1]!, 'PartNumber'));
      const etag = xmlTag(m[1]!, 'ETag');
      if (Number.isInteger(n) && etag) held.set(n, unescapeXml(etag));
    }
    const next = xmlTag(reply.text, 'NextPartNumberMarker');
    if (xmlTag(reply.text, 'IsTruncated') !== 'true' || !next || next === marker) return held;
    marker = next;
  }
}

function sameEtag(a: string | undefined, b: string): boolean {
  const bare = (s: string) => s.replace(/^"|"$/g, '').toLowerCase();
  return a !== undefined && bare(a) === bare(b);
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function unescapeXml(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export async function readAll(data: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of data) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
