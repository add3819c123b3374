import { type Hash, createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { S3Client, StorageClass } from '@aws-sdk/client-s3';
import {
  type Entry,
  IntegrityError,
  type UploadPart,
  type UploadRequest,
  type UploadSession,
  type UploadState,
  baseName,
} from '@ferry/core';
import type { S3DirectRequests } from './direct-requests.js';
import { errorName, isUnsupported } from './errors.js';
import { base64Sha1, encodeMetadata, metadataHeaders } from './metadata.js';
import { S3_MAX_COPY_SIZE, S3_MAX_PARTS } from './options.js';
import type { S3Sdk } from './sdk.js';

/** A finished part: S3 needs both to complete the upload. */
interface DonePart {
  n: number;
  etag: string;
}

/** What a checkpoint keeps so any process can continue the upload with the next part. */
export interface S3UploadState extends UploadState {
  key: string;
  upload_id: string;
  part_size: number;
  /** Parts 1..k, every one confirmed by the server. */
  parts: DonePart[];
  /** Whether the SHA-1 went into the metadata when the upload was created. */
  sha1_in_metadata: boolean;
}

function isS3UploadState(s: UploadState | undefined): s is S3UploadState {
  return (
    !!s &&
    typeof s.key === 'string' &&
    typeof s.upload_id === 'string' &&
    typeof s.part_size === 'number' &&
    typeof s.sha1_in_metadata === 'boolean' &&
    Array.isArray(s.parts) &&
    s.parts.every((p: unknown, i: number) => !!p && (p as DonePart).n === i + 1 && typeof (p as DonePart).etag === 'string')
  );
}

/** What an upload needs of its provider: the client, the key, and how to say where it is. */
export interface S3UploadTarget {
  client: S3Client;
  sdk: S3Sdk;
  /** PutObject and UploadPart go this way. */
  direct: S3DirectRequests;
  bucket: string;
  key: string;
  path: string;
  storageClass: string;
  /** Maps an SDK failure to a typed error naming this file. */
  fail(err: unknown): Error;
}

/** The part size for a file: the configured one, grown (in whole MiB) so 10,000 parts cover it. */
export function partSizeFor(size: number, configured: number): number {
  const mib = 1024 * 1024;
  return Math.max(configured, Math.ceil(size / S3_MAX_PARTS / mib) * mib);
}

/** Reads a part into `buf` (at least its length) and returns exactly the part's bytes. */
async function readPart(part: UploadPart, buf: Buffer = Buffer.allocUnsafe(part.length)): Promise<Buffer> {
  let at = 0;
  for await (const chunk of part.data) {
    const c = chunk as Buffer;
    if (at + c.length > part.length) throw new IntegrityError(`part ${part.index} is longer than ${part.length} bytes`);
    c.copy(buf, at);
    at += c.length;
  }
  if (at !== part.length) throw new IntegrityError(`part ${part.index} has ${at} of ${part.length} bytes`);
  return buf.subarray(0, part.length);
}

/**
 * One file going up. Up to the part size it is one PutObject, sent at `complete` when the SHA-1
 * is known, so it goes into the metadata (and as S3's own SHA-1 checksum). A SHA-1 the source did
 * not list is taken here, from the bytes sent, with Node's OpenSSL hash: the engine's resumable
 * hasher (wasm) costs about three times the CPU per byte, and nothing here needs its saved state
 * except a resumed upload, which reads the object back once it is complete. Above it, a multipart
 * upload: each part is held in memory and sent while the engine reads and hashes the next, up to
 * `concurrency` in flight; `offset` and `state()` count only the unbroken run of parts the server
 * confirmed, so the engine's checkpoint never claims a part still in flight. Nothing is visible
 * under the key before `complete`.
 */
export class S3Upload implements UploadSession {
  readonly needsSha1 = false;
  /** The SHA-1 of every byte sent so far, when the source listed none and the upload began at byte 0. */
  private readonly hasher: Hash | undefined;
  private readonly done = new Map<number, string>();
  private prefix = 0;
  private readonly inflight = new Set<Promise<void>>();
  private failure: unknown;
  private single: Buffer | undefined;
  private next: number;
  /**
   * Part buffers no send holds any more. At most `concurrency` + 1 are ever made (the parts in
   * flight and the one being read), so a big file allocates them once instead of a fresh
   * part-sized buffer per part, which the garbage collector reclaims late and RSS shows.
   */
  private readonly spare: Buffer[] = [];

  private constructor(
    private readonly target: S3UploadTarget,
    private readonly request: UploadRequest,
    readonly partSize: number,
    private readonly concurrency: number,
    private readonly uploadId: string | undefined,
    private readonly sha1InMetadata: boolean,
    parts: readonly DonePart[],
  ) {
    for (const p of parts) this.done.set(p.n, p.etag);
    this.advance();
    this.next = this.offset;
    this.hasher = request.sha1 === undefined && this.next === 0 ? createHash('sha1') : undefined;
  }

  static async begin(target: S3UploadTarget, request: UploadRequest, configuredPartSize: number, concurrency: number): Promise<S3Upload> {
    const partSize = partSizeFor(request.size, configuredPartSize);
    if (request.size <= partSize) return new S3Upload(target, request, partSize, concurrency, undefined, false, []);
    const resumed = await S3Upload.resume(target, request, partSize, concurrency);
    if (resumed) {
      await target.direct.warmUp(target.key);
      return resumed;
    }
    let created;
    try {
      created = await target.client.send(
        new target.sdk.CreateMultipartUploadCommand({
          Bucket: target.bucket,
          Key: target.key,
          Metadata: encodeMetadata(request.mtime, request.sha1),
          ...(target.storageClass ? { StorageClass: target.storageClass as StorageClass } : {}),
        }),
      );
    } catch (err) {
      throw target.fail(err);
    }
    if (!created.UploadId) throw target.fail(new Error('CreateMultipartUpload answered no UploadId'));
    await target.direct.warmUp(target.key);
    return new S3Upload(target, request, partSize, concurrency, created.UploadId, request.sha1 !== undefined, []);
  }

  /**
   * The upload a checkpoint names, if the server still holds at least its parts (ListParts; a
   * server without it is trusted on the checkpoint's word and `complete` finds out). An upload
   * the server lost part of is aborted, so no stale one stays behind.
   */
  private static async resume(target: S3UploadTarget, request: UploadRequest, partSize: number, concurrency: number): Promise<S3Upload | undefined> {
    const state = request.resume;
    if (!isS3UploadState(state) || state.key !== target.key || state.part_size !== partSize) return undefined;
    let held: Map<number, string> | undefined;
    try {
      held = await listParts(target, state.upload_id);
    } catch (err) {
      if (errorName(err) === 'NoSuchUpload') return undefined;
      if (!isUnsupported(err)) throw target.fail(err);
    }
    if (held && !state.parts.every((p) => held.get(p.n) === p.etag)) {
      await abortUpload(target, state.upload_id);
      return undefined;
    }
    return new S3Upload(target, request, partSize, concurrency, state.upload_id, state.sha1_in_metadata, state.parts);
  }

  get offset(): number {
    return Math.min(this.request.size, this.prefix * this.partSize);
  }

  state(): S3UploadState {
    const parts: DonePart[] = [];
    for (let n = 1; n <= this.prefix; n++) parts.push({ n, etag: this.done.get(n)! });
    return { key: this.target.key, upload_id: this.uploadId ?? '', part_size: this.partSize, parts, sha1_in_metadata: this.sha1InMetadata };
  }

  private advance(): void {
    while (this.done.has(this.prefix + 1)) this.prefix++;
  }

  private rethrow(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  async writePart(part: UploadPart): Promise<void> {
    this.rethrow();
    if (part.offset !== this.next) {
      throw new IntegrityError(`${this.target.path}: part at ${part.offset} does not follow byte ${this.next}`);
    }
    if (this.uploadId === undefined) {
      this.single = part.readInto ? await part.readInto(Buffer.allocUnsafe(part.length)) : await readPart(part);
      this.hasher?.update(this.single);
      this.next += part.length;
      return;
    }
    const buffer = this.spare.pop() ?? Buffer.allocUnsafe(this.partSize);
    let body: Buffer;
    try {
      body = part.readInto ? await part.readInto(buffer) : await readPart(part, buffer);
    } catch (err) {
      this.spare.push(buffer);
      throw err;
    }
    this.hasher?.update(body);
    this.next += part.length;
    while (this.inflight.size >= this.concurrency) await Promise.race(this.inflight);
    this.rethrow();
    const n = part.index + 1;
    const send = this.target.direct.uploadPart(this.target.key, this.uploadId, n, body).then(
      (etag) => {
        this.done.set(n, etag);
        this.advance();
      },
      (err: unknown) => {
        this.failure ??= this.target.fail(err);
      },
    );
    const tracked = send.finally(() => {
      this.inflight.delete(tracked);
      this.spare.push(buffer);
    });
    this.inflight.add(tracked);
  }

  private async settle(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }

  async complete(final: { sha1?: string }): Promise<Entry> {
    await this.settle();
    this.rethrow();
    if (this.next !== this.request.size) {
      throw new IntegrityError(`${this.target.path}: sent ${this.next} bytes, expected ${this.request.size}`);
    }
    let sha1 = this.request.sha1 ?? final.sha1 ?? this.hasher?.digest('hex');
    const { client, sdk, bucket, key } = this.target;
    let metadata = encodeMetadata(this.request.mtime, sha1);
    const storage = this.target.storageClass ? { StorageClass: this.target.storageClass as StorageClass } : {};
    try {
      if (this.uploadId === undefined) {
        const body = this.single ?? Buffer.alloc(0);
        this.single = undefined;
        await this.target.direct.putObject(key, body, {
          ...metadataHeaders(metadata),
          ...(this.target.storageClass ? { 'x-amz-storage-class': this.target.storageClass } : {}),
          ...(sha1 ? { 'x-amz-checksum-sha1': base64Sha1(sha1) } : {}),
        });
      } else {
        const parts = [...this.done.entries()].sort((a, b) => a[0] - b[0]).map(([n, etag]) => ({ PartNumber: n, ETag: etag }));
        await client.send(new sdk.CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: this.uploadId, MultipartUpload: { Parts: parts } }));
        if (!sha1 && this.request.size <= S3_MAX_COPY_SIZE) {
          // Resumed with no SHA-1 listed: the bytes sent before the break passed no hasher here.
          sha1 = await this.sha1OfObject();
          metadata = encodeMetadata(this.request.mtime, sha1);
        }
        if (sha1 && !this.sha1InMetadata && this.request.size <= S3_MAX_COPY_SIZE) {
          // The SHA-1 was known only once every byte had passed: the object's metadata is
          // rewritten in place, server-side, so later syncs compare without reading.
          await client.send(
            new sdk.CopyObjectCommand({
              Bucket: bucket,
              Key: key,
              CopySource: copySource(bucket, key),
              MetadataDirective: 'REPLACE',
              Metadata: metadata,
              ...storage,
            }),
          );
        }
      }
    } catch (err) {
      throw this.target.fail(err);
    }
    return {
      path: this.target.path,
      name: baseName(this.target.path),
      isDir: false,
      size: this.request.size,
      ...(this.request.mtime !== undefined ? { mtime: this.request.mtime } : {}),
      ...(sha1 ? { sha1 } : {}),
    };
  }

  /** The SHA-1 of the object as stored, read back in full. */
  private async sha1OfObject(): Promise<string> {
    const { client, sdk, bucket, key } = this.target;
    const answer = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
    const hash = createHash('sha1');
    for await (const chunk of answer.Body as Readable) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  async abort(): Promise<void> {
    this.single = undefined;
    await this.settle();
    if (this.uploadId !== undefined) await abortUpload(this.target, this.uploadId);
  }
}

/** The parts the server holds, by number, with their ETags. */
async function listParts(target: S3UploadTarget, uploadId: string): Promise<Map<number, string>> {
  const held = new Map<number, string>();
  let marker: string | undefined;
  do {
    const page = await target.client.send(
      new target.sdk.ListPartsCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId, ...(marker ? { PartNumberMarker: marker } : {}) }),
    );
    for (const p of page.Parts ?? []) if (p.PartNumber !== undefined && p.ETag) held.set(p.PartNumber, p.ETag);
    marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
  } while (marker);
  return held;
}

/** Drops a multipart upload; one the server no longer knows, or cannot abort, is let be. */
async function abortUpload(target: S3UploadTarget, uploadId: string): Promise<void> {
  try {
    await target.client.send(new target.sdk.AbortMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId }));
  } catch (err) {
    if (errorName(err) === 'NoSuchUpload' || isUnsupported(err)) return;
    throw target.fail(err);
  }
}

/** `bucket/key` for x-amz-copy-source, each key segment URL-encoded. */
export function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}
