import { Readable } from 'node:stream';
import type { ListObjectsV2CommandOutput, S3Client, StorageClass } from '@aws-sdk/client-s3';
import {
  type Capabilities,
  type Entry,
  type LocationIdentity,
  NotFound,
  type Pacer,
  type Provider,
  type ProviderContext,
  type ReadOptions,
  type ServerImport,
  type UploadRequest,
  type UploadSession,
  BadInput,
  IntegrityError,
  PartReader,
  Sha1,
  TransientError,
  baseName,
  joinPath,
  pacerFor,
  sha1OfStream,
} from '@ferry/core';
import { createS3Client } from './client.js';
import { type S3Sdk, loadS3Sdk } from './sdk.js';
import { type S3Head, S3DirectRequests } from './direct-requests.js';
import { paceS3Client, pacedS3Request, s3Account, s3RequestClasses } from './pacing.js';
import { type S3Where, s3Error } from './errors.js';
import { KeyMap } from './keys.js';
import { metadataMtime, storedSha1 } from './metadata.js';
import type { S3Options } from './options.js';
import { PartCopyUnsupported, copyInParts } from './part-copy.js';
import { S3Upload, copySource } from './upload.js';

/** What a remote's requests go through: the SDK, its client, and the requests sent without it. */
export interface S3Connection {
  sdk: S3Sdk;
  client: S3Client;
  /** PutObject, UploadPart and HeadObject: the requests every file costs, sent without the SDK. */
  direct: S3DirectRequests;
}

/** HEADs in flight while listing a page: the listing itself carries no user metadata. */
const HEAD_CONCURRENCY = 16;

/**
 * A bucket, or a folder inside one, on any S3-compatible service. Folders are key prefixes; a
 * zero-byte "dir/" marker (as the consoles and `rclone mkdir` make) counts as a folder and is never
 * listed as a file.
 */
export class S3Provider implements Provider {
  readonly type = 's3';
  readonly capabilities: Capabilities = {
    read: true,
    write: true,
    rapidUpload: false,
    serverSideImport: true,
    // The SHA-1 is listed when Ferry stored it, not for every object.
    hashes: [],
    rangeRead: true,
    sameNameFiles: false,
  };
  private readonly pacer: Pacer;
  private readonly sockets: number;
  private connected: Promise<S3Connection> | undefined;
  readonly keys: KeyMap;
  readonly site: S3Where;
  readonly serverImport: ServerImport;

  constructor(
    readonly remote: string,
    readonly options: S3Options,
    context: ProviderContext = {},
  ) {
    this.keys = new KeyMap(options.prefix);
    this.sockets = Math.max(HEAD_CONCURRENCY, options.upload_concurrency * 4);
    this.site = { remote, bucket: options.bucket, endpoint: options.endpoint || 'AWS', region: options.region };
    this.pacer = pacerFor(context.pacing, s3Account(options), s3RequestClasses);
    this.serverImport = {
      canImportFrom: (source) => this.sameStore(source),
      importEntry: (source, entry, dstPath) => this.copyFrom(source as S3Provider, entry, dstPath),
    };
  }

  /** The SDK client and the direct requests, made on the first request (the SDK loads then). */
  connection(): Promise<S3Connection> {
    return (this.connected ??= loadS3Sdk().then((sdk) => {
      const client = createS3Client(sdk, this.options, this.sockets);
      paceS3Client(client, this.pacer, this.site);
      // The per-file requests skip the SDK for its CPU per request (direct-requests.ts): an 11 KB
      // file through the upload path measured 2.2 ms of CPU with the SDK's PutObject, about 1 ms
      // signed here and sent over undici; a tree of small files is mostly that.
      const direct = new S3DirectRequests(client, this.options.bucket, this.sockets, (send) => pacedS3Request(this.pacer, this.site, 'request', send));
      return { sdk, client, direct };
    }));
  }

  async pacingAccount(): Promise<string> {
    return this.pacer.account;
  }

  private display(path: string): string {
    return `${this.remote}:${path}`;
  }

  private fail(err: unknown, path: string): Error {
    return s3Error(err, this.display(path), this.site);
  }

  /** One bucket of one service, reached with the same key: a copy between them stays server-side. */
  private sameStore(source: Provider): boolean {
    if (!(source instanceof S3Provider)) return false;
    const a = source.options;
    const b = this.options;
    return a.endpoint === b.endpoint && a.bucket === b.bucket && a.access_key_id === b.access_key_id;
  }

  async identify(path: string): Promise<LocationIdentity> {
    const prefix = this.keys.dirPrefix(path, this.display(path));
    return { store: `s3:${this.options.endpoint || 'aws'}/${this.options.bucket}`, chain: prefix.split('/').filter((p) => p !== '') };
  }

  private toEntry(path: string, head: S3Head, key: string): Entry {
    const sha1 = storedSha1(head.metadata, head.checksumSha1);
    const mtime = metadataMtime(head.metadata) ?? head.lastModified?.getTime();
    return {
      path,
      name: baseName(path),
      isDir: false,
      size: head.size,
      ...(mtime !== undefined ? { mtime } : {}),
      ...(sha1 ? { sha1 } : {}),
      id: key,
    };
  }

  private async head(key: string, path: string): Promise<Entry | undefined> {
    try {
      const { direct } = await this.connection();
      return this.toEntry(path, await direct.headObject(key), key);
    } catch (err) {
      const typed = this.fail(err, path);
      if (typed instanceof NotFound) return undefined;
      throw typed;
    }
  }

  private async listPage(prefix: string, path: string, token: string | undefined, delimiter: boolean, maxKeys?: number): Promise<ListObjectsV2CommandOutput> {
    try {
      const { sdk, client } = await this.connection();
      return await client.send(
        new sdk.ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: prefix,
          ...(delimiter ? { Delimiter: '/' } : {}),
          ...(token ? { ContinuationToken: token } : {}),
          ...(maxKeys ? { MaxKeys: maxKeys } : {}),
        }),
      );
    } catch (err) {
      throw this.fail(err, path);
    }
  }

  /**
   * The token of the page after this one. A truncated page without one is a server fault: stopping
   * there would pass a partial listing as whole, and `sync` deletes what a source listing lacks.
   */
  private nextToken(page: ListObjectsV2CommandOutput, path: string): string | undefined {
    if (!page.IsTruncated) return undefined;
    if (!page.NextContinuationToken) throw new TransientError(`${this.display(path)}: listing truncated without a continuation token`);
    return page.NextContinuationToken;
  }

  private dirEntry(path: string): Entry {
    return { path, name: path === '/' ? '' : baseName(path), isDir: true, size: 0 };
  }

  async stat(path: string): Promise<Entry> {
    const where = this.display(path);
    const prefix = this.keys.dirPrefix(path, where);
    if (prefix === this.keys.root) {
      // The root exists when the bucket does; this also surfaces a wrong bucket, key or region.
      await this.listPage(prefix, path, undefined, true, 1);
      return this.dirEntry('/');
    }
    const file = await this.head(this.keys.fileKey(path, where), path);
    if (file) return file;
    // One key or one folder below is enough: S3 has no folder objects to HEAD.
    const page = await this.listPage(prefix, path, undefined, true, 1);
    if ((page.Contents?.length ?? 0) + (page.CommonPrefixes?.length ?? 0) > 0) return this.dirEntry(path);
    throw new NotFound(`${where}: no such file or folder`);
  }

  async *list(dir: string): AsyncIterable<Entry> {
    const where = this.display(dir);
    const prefix = this.keys.dirPrefix(dir, where);
    const base = dir === '/' ? '/' : dir.replace(/\/+$/, '');
    let token: string | undefined;
    let first = true;
    do {
      const page = await this.listPage(prefix, dir, token, true);
      const contents = page.Contents ?? [];
      const folders = page.CommonPrefixes ?? [];
      if (first && contents.length === 0 && folders.length === 0 && prefix !== this.keys.root) {
        throw new NotFound(`${where}: no such folder`);
      }
      first = false;
      for (const p of folders) {
        const name = (p.Prefix ?? '').slice(prefix.length).replace(/\/$/, '');
        if (name !== '') yield this.dirEntry(joinPath(base, name));
      }
      const files = contents.filter((o) => o.Key !== undefined && o.Key !== prefix && !o.Key.endsWith('/'));
      yield* this.headAll(files.map((o) => ({ key: o.Key!, path: joinPath(base, o.Key!.slice(prefix.length)) })));
      token = this.nextToken(page, dir);
    } while (token);
  }

  /** HEADs a page's files a few at a time and yields them in listing order. */
  private async *headAll(files: { key: string; path: string }[]): AsyncGenerator<Entry> {
    const pending: Promise<Entry | undefined>[] = [];
    let next = 0;
    const launch = () => {
      while (pending.length < HEAD_CONCURRENCY && next < files.length) {
        const f = files[next++]!;
        const p = this.head(f.key, f.path);
        p.catch(() => {});
        pending.push(p);
      }
    };
    launch();
    while (pending.length > 0) {
      const entry = await pending.shift()!;
      launch();
      // An object deleted between the listing and its HEAD is no longer part of the tree.
      if (entry) yield entry;
    }
  }

  async openRead(entry: Entry, options: ReadOptions = {}): Promise<Readable> {
    const start = options.start ?? 0;
    const end = options.end ?? entry.size;
    if (end <= start) return Readable.from([]);
    const whole = start === 0 && end >= entry.size;
    try {
      const { sdk, client } = await this.connection();
      const answer = await client.send(
        new sdk.GetObjectCommand({
          Bucket: this.options.bucket,
          Key: this.keys.fileKey(entry.path, this.display(entry.path)),
          ...(whole ? {} : { Range: `bytes=${start}-${end - 1}` }),
        }),
      );
      return answer.Body as Readable;
    } catch (err) {
      throw this.fail(err, entry.path);
    }
  }

  async readRange(entry: Entry, start: number, end: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of await this.openRead(entry, { start, end })) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  /** S3 has no folders to make: a key's prefix is its folder. The names are checked all the same. */
  async mkdirp(dir: string): Promise<void> {
    this.keys.dirPrefix(dir, this.display(dir));
  }

  async beginUpload(path: string, request: UploadRequest): Promise<UploadSession> {
    const key = this.keys.fileKey(path, this.display(path));
    return S3Upload.begin(
      {
        ...(await this.connection()),
        bucket: this.options.bucket,
        key,
        path,
        storageClass: this.options.storage_class,
        fail: (err) => this.fail(err, path),
      },
      request,
      this.options.part_size,
      this.options.upload_concurrency,
    );
  }

  async remove(path: string): Promise<void> {
    const entry = await this.stat(path);
    if (entry.isDir && path.split('/').every((p) => p === '')) throw new BadInput(`${this.display(path)}: refusing to remove the remote's root`);
    if (!entry.isDir) {
      await this.deleteKeys([this.keys.fileKey(path, this.display(path))], path);
      return;
    }
    const prefix = this.keys.dirPrefix(path, this.display(path));
    let token: string | undefined;
    do {
      const page = await this.listPage(prefix, path, token, false);
      await this.deleteKeys((page.Contents ?? []).map((o) => o.Key!).filter(Boolean), path);
      token = this.nextToken(page, path);
    } while (token);
  }

  private async deleteKeys(keys: string[], path: string): Promise<void> {
    if (keys.length === 0) return;
    const { sdk, client } = await this.connection();
    try {
      if (keys.length === 1) {
        await client.send(new sdk.DeleteObjectCommand({ Bucket: this.options.bucket, Key: keys[0] }));
        return;
      }
      const answer = await client.send(
        new sdk.DeleteObjectsCommand({ Bucket: this.options.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
      );
      const failed = answer.Errors?.[0];
      if (failed) throw Object.assign(new Error(failed.Message ?? 'delete failed'), { name: failed.Code ?? 'DeleteFailed' });
    } catch (err) {
      throw this.fail(err, path);
    }
  }

  async move(from: string, to: string): Promise<Entry> {
    const entry = await this.stat(from);
    if (entry.isDir) throw new BadInput(`${this.display(from)}: moving folders is not supported on S3`);
    await this.copyFile(this, entry, to);
    await this.deleteKeys([this.keys.fileKey(from, this.display(from))], from);
    return this.stat(to);
  }

  async hash(entry: Entry): Promise<string> {
    return entry.sha1 ?? sha1OfStream(await this.openRead(entry));
  }

  /** A server-side copy of a file, or of a folder with everything below it, from the same bucket. */
  private async copyFrom(source: S3Provider, entry: Entry, dstPath: string): Promise<Entry> {
    if (!entry.isDir) return this.copyFile(source, entry, dstPath);
    const srcPrefix = source.keys.dirPrefix(entry.path, source.display(entry.path));
    let token: string | undefined;
    let size = 0;
    do {
      const page = await source.listPage(srcPrefix, entry.path, token, false);
      for (const o of page.Contents ?? []) {
        if (!o.Key || o.Key.endsWith('/')) continue;
        const rel = o.Key.slice(srcPrefix.length);
        const file: Entry = { path: joinPath(entry.path, rel), name: baseName(rel), isDir: false, size: o.Size ?? 0 };
        await this.copyFile(source, file, joinPath(dstPath, rel));
        size += file.size;
      }
      token = source.nextToken(page, entry.path);
    } while (token);
    return { ...this.dirEntry(dstPath), size };
  }

  private async copyFile(source: S3Provider, entry: Entry, dstPath: string): Promise<Entry> {
    const srcKey = source.keys.fileKey(entry.path, source.display(entry.path));
    const key = this.keys.fileKey(dstPath, this.display(dstPath));
    const storage = this.options.storage_class ? { StorageClass: this.options.storage_class as StorageClass } : {};
    const { sdk, client } = await this.connection();
    try {
      if (entry.size > this.options.copy_cutoff) {
        const head = await (await source.connection()).client.send(new sdk.HeadObjectCommand({ Bucket: source.options.bucket, Key: srcKey }));
        await copyInParts({
          client,
          sdk,
          bucket: this.options.bucket,
          key,
          sourceBucket: source.options.bucket,
          sourceKey: srcKey,
          size: head.ContentLength ?? entry.size,
          chunkSize: this.options.copy_cutoff,
          concurrency: this.options.upload_concurrency,
          metadata: head.Metadata ?? {},
          ...(head.ContentType ? { contentType: head.ContentType } : {}),
          storageClass: this.options.storage_class,
        });
      } else {
        // The metadata (mtime, SHA-1) travels with the object.
        await client.send(
          new sdk.CopyObjectCommand({
            Bucket: this.options.bucket,
            Key: key,
            CopySource: copySource(source.options.bucket, srcKey),
            MetadataDirective: 'COPY',
            ...storage,
          }),
        );
      }
    } catch (err) {
      if (err instanceof PartCopyUnsupported) return this.streamCopy(source, entry, dstPath);
      throw this.fail(err, dstPath);
    }
    const landed = await this.head(key, dstPath);
    if (!landed) throw new NotFound(`${this.display(dstPath)}: the copy did not land`);
    return landed;
  }

  /**
   * The bytes through this process, for a server without UploadPartCopy: read in order, hashed on
   * the way and checked against the source's stored SHA-1, landed by this remote's own upload.
   */
  private async streamCopy(source: S3Provider, entry: Entry, dstPath: string): Promise<Entry> {
    const session = await this.beginUpload(dstPath, {
      size: entry.size,
      ...(entry.sha1 ? { sha1: entry.sha1 } : {}),
      ...(entry.mtime !== undefined ? { mtime: entry.mtime } : {}),
    });
    const reader = new PartReader(await source.openRead(entry), source.display(entry.path));
    const hash = await Sha1.create();
    try {
      for (let index = 0, offset = 0; offset < entry.size; index++) {
        const length = Math.min(session.partSize, entry.size - offset);
        await session.writePart({ index, offset, length, data: reader.part(length, (chunk) => hash.update(chunk)) });
        offset += length;
      }
      const sha1 = hash.digest();
      if (entry.sha1 && entry.sha1 !== sha1) {
        throw new IntegrityError(`${source.display(entry.path)}: read SHA-1 ${sha1}, the object's metadata says ${entry.sha1}`);
      }
      return await session.complete({ sha1 });
    } catch (err) {
      reader.destroy();
      await session.abort().catch(() => {});
      throw err;
    } finally {
      hash.close();
    }
  }

  async close(): Promise<void> {
    if (!this.connected) return;
    const { client, direct } = await this.connected;
    client.destroy();
    await direct.close();
  }
}
