import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { decodeOssCallbackHeader, ossCallbackSpec115, ossCallbackVar115, ossSignature, ossStringToSign, parseOssAuthorization } from '@ferry/protocols';
import type { Call } from './context.js';
import { parseCompleteParts, sendOssError, sendXml, xmlEscape } from './oss-xml.js';
import { sendJson } from './http-io.js';
import { landUpload } from './upload-land.js';
import { BUCKET, OSS_ENDPOINT_HOST } from './upload-state.js';

/**
 * The Aliyun OSS fake 115 uploads go to (web notes §4.5, 8.9). VIRTUAL-HOSTED, as real OSS:
 * requests are told apart by their Host header, `<bucket>.oss-cn-shenzhen.aliyuncs.com`, on the
 * emulator's one port (clients route those names there with a connect-to map). A path-style
 * request, to the bare endpoint host, is refused 403 SecondLevelDomainForbidden as OSS does.
 * The V1 signature covers `/<bucket>/<object>`.
 *
 * Every request needs `Authorization: OSS <AccessKeyId>:<sig>` with credentials from gettoken.php
 * and their `x-oss-security-token`. Bytes go to temp files (uploads of hundreds of MiB must not sit
 * in RAM); a finished upload with the callback headers lands in the user's tree via upload-land.
 * Objects uploaded WITHOUT callback headers are answered as OSS would and then dropped [?]: 115
 * never learns of them, so nothing could list them.
 */

/** What a Host header names: a bucket's virtual host, the bare endpoint (path-style), or no OSS host. */
export function ossHostOf(hostHeader: string | undefined): { bucket: string } | 'endpoint' | undefined {
  const name = (hostHeader ?? '').replace(/:\d+$/, '').toLowerCase();
  if (name === OSS_ENDPOINT_HOST) return 'endpoint';
  if (!name.endsWith(`.${OSS_ENDPOINT_HOST}`)) return undefined;
  return { bucket: name.slice(0, -OSS_ENDPOINT_HOST.length - 1) };
}

/** OSS PutObject and UploadPart are limited to 5 GiB. */
const MAX_PUT_BYTES = 5 * 1024 ** 3;
/** Every part but the last must hold at least 100 KiB (checked at complete, as OSS does). */
const MIN_PART_BYTES = 100 * 1024;
const MAX_PART_NUMBER = 10_000;

interface StoredPart {
  path: string;
  size: number;
  /** Upper-case MD5 hex, unquoted. */
  etag: string;
  lastModified: Date;
}

interface Multipart {
  id: string;
  bucket: string;
  object: string;
  /** `sequential` was given at initiate (115driver, p115oss); accepted, order not enforced [?]. */
  sequential: boolean;
  /**
   * `x-oss-enable-sha1` was given at initiate (wiserain newChunkWriter): only then does OSS know the
   * SHA-1 of the assembled object, so `${sha1}` in the callback is empty otherwise (elevengo
   * ReplaceCallbackSha1 works around exactly that).
   */
  sha1: boolean;
  parts: Map<number, StoredPart>;
}

interface Received {
  path: string;
  size: number;
  md5: string;
  sha1: string;
}

export class OssStore {
  private readonly uploads = new Map<string, Multipart>();

  /** Made on the first stored byte, so emulators that never see an upload leave no temp dir behind. */
  private dir: Promise<string> | undefined;

  private async tempPath(prefix: string): Promise<string> {
    this.dir ??= fs.mkdtemp(join(tmpdir(), 'ferry-115-oss-'));
    return join(await this.dir, `${prefix}-${randomBytes(8).toString('hex')}`);
  }

  /** Removes every stored byte (landed files in the trees point here too; the emulator is closing). */
  async close(): Promise<void> {
    if (this.dir) await fs.rm(await this.dir, { recursive: true, force: true });
  }

  /** Streams the request body to a temp file, hashing it on the way. */
  private async receive(call: Call): Promise<Received> {
    const path = await this.tempPath('body');
    const md5 = createHash('md5');
    const sha1 = createHash('sha1');
    let size = 0;
    const stats = call.ctx.upload.stats;
    await pipeline(
      call.req,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          md5.update(chunk);
          sha1.update(chunk);
          size += chunk.length;
          stats.ossBytes += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(path),
    );
    return { path, size, md5: md5.digest('hex').toUpperCase(), sha1: sha1.digest('hex').toUpperCase() };
  }

  /** A request to the bare endpoint: OSS serves these buckets only virtual-hosted. */
  refusePathStyle({ res }: Call): void {
    sendOssError(res, 403, 'SecondLevelDomainForbidden', 'Please use virtual hosted style to access.');
  }

  /** A request to `<bucket>.<endpoint>`; the object is the whole path. */
  async handle(call: Call, bucket: string): Promise<void> {
    const { ctx, req, res, url } = call;
    let object: string;
    try {
      object = decodeURIComponent(url.pathname.slice(1));
    } catch {
      return sendOssError(res, 400, 'InvalidObjectName', 'The object name is not valid UTF-8 percent-encoding.');
    }
    if (bucket !== BUCKET) return sendOssError(res, 404, 'NoSuchBucket', 'The specified bucket does not exist.', { BucketName: bucket });
    if (!object) return sendOssError(res, 400, 'InvalidObjectName', 'The object name is empty (bucket operations are not emulated).');
    if (ctx.faults.takeExpireSts()) ctx.upload.expireSts();
    const refused = this.authorize(call, bucket, object);
    if (refused) return sendOssError(res, 403, refused.code, refused.message, refused.extra);

    const q = url.searchParams;
    const method = req.method ?? 'GET';
    const uploadId = q.get('uploadId');
    if (method === 'PUT' && q.has('partNumber') && uploadId !== null) return this.uploadPart(call, bucket, object, uploadId, q.get('partNumber')!);
    if (method === 'PUT' && uploadId === null) return this.putObject(call, bucket, object);
    if (method === 'POST' && q.has('uploads')) return this.initiate(call, bucket, object, q.has('sequential'), q.has('x-oss-enable-sha1'));
    if (method === 'POST' && uploadId !== null) return this.complete(call, bucket, object, uploadId);
    if (method === 'GET' && uploadId !== null) return this.listParts(call, bucket, object, uploadId);
    if (method === 'DELETE' && uploadId !== null) return this.abort(call, bucket, object, uploadId);
    sendOssError(res, 405, 'MethodNotAllowed', `${method} is not emulated here.`);
  }

  /** V1 header auth with an issued, unexpired STS credential; undefined when allowed. */
  private authorize({ ctx, req, url }: Call, bucket: string, object: string): { code: string; message: string; extra?: Record<string, string> } | undefined {
    const auth = parseOssAuthorization(req.headers.authorization ?? '');
    if (!auth) return { code: 'AccessDenied', message: 'Authorization header is missing or not "OSS <AccessKeyId>:<Signature>".' };
    const cred = ctx.upload.credential(auth.accessKeyId);
    if (!cred) return { code: 'InvalidAccessKeyId', message: 'The OSS Access Key Id you provided does not exist in our records.', extra: { OSSAccessKeyId: auth.accessKeyId } };
    if (req.headers['x-oss-security-token'] !== cred.securityToken) return { code: 'InvalidSecurityToken', message: 'The security token you provided is invalid.' };
    // Code [?]: OSS documents SecurityTokenExpired for an expired STS token.
    if (cred.revoked || Date.now() >= cred.expiresAt) return { code: 'SecurityTokenExpired', message: 'The security token you provided has expired.' };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
    const query = Object.fromEntries(url.searchParams);
    const toSign = ossStringToSign({ verb: req.method ?? 'GET', bucket, object, headers, query });
    const want = Buffer.from(ossSignature(cred.accessKeySecret, toSign));
    const got = Buffer.from(auth.signature);
    if (want.length !== got.length || !timingSafeEqual(want, got)) {
      // As OSS does, the expected string to sign comes back, which makes client bugs easy to see.
      return { code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.', extra: { StringToSign: toSign } };
    }
    // Choice [?]: the Date header is not checked against the clock (OSS refuses > 15 min skew).
    return undefined;
  }

  private tooBig(req: IncomingMessage): boolean {
    return Number(req.headers['content-length'] ?? 0) > MAX_PUT_BYTES;
  }

  /** Content-MD5 (Base64), when sent, must match the bytes. */
  private md5Mismatch(req: IncomingMessage, md5Hex: string): boolean {
    const sent = req.headers['content-md5'];
    return typeof sent === 'string' && Buffer.from(sent, 'base64').toString('hex').toUpperCase() !== md5Hex;
  }

  private async putObject(call: Call, bucket: string, object: string): Promise<void> {
    if (this.tooBig(call.req)) return sendOssError(call.res, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size (5 GiB).');
    const got = await this.receive(call);
    if (this.md5Mismatch(call.req, got.md5)) {
      await fs.rm(got.path, { force: true });
      return sendOssError(call.res, 400, 'InvalidDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    return this.finish(call, bucket, object, got, `"${got.md5}"`, got.sha1, () => {
      call.res.writeHead(200, { etag: `"${got.md5}"`, 'content-length': 0 });
      call.res.end();
    });
  }

  private initiate({ ctx, res }: Call, bucket: string, object: string, sequential: boolean, sha1: boolean): void {
    const id = randomBytes(16).toString('hex').toUpperCase();
    ctx.upload.stats.multiparts++;
    this.uploads.set(id, { id, bucket, object, sequential, sha1, parts: new Map() });
    sendXml(res, 200, 'InitiateMultipartUploadResult', { Bucket: bucket, Key: object, UploadId: id });
  }

  private upload(call: Call, bucket: string, object: string, uploadId: string): Multipart | undefined {
    const up = this.uploads.get(uploadId);
    if (up && up.bucket === bucket && up.object === object) return up;
    sendOssError(call.res, 404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: uploadId });
    return undefined;
  }

  private async uploadPart(call: Call, bucket: string, object: string, uploadId: string, partNumber: string): Promise<void> {
    const up = this.upload(call, bucket, object, uploadId);
    if (!up) return;
    const n = /^\d+$/.test(partNumber) ? Number(partNumber) : NaN;
    if (!(n >= 1 && n <= MAX_PART_NUMBER)) return sendOssError(call.res, 400, 'InvalidArgument', `Part number must be an integer between 1 and ${MAX_PART_NUMBER}.`);
    if (this.tooBig(call.req)) return sendOssError(call.res, 400, 'EntityTooLarge', 'A part may not exceed 5 GiB.');
    const failWith = call.ctx.faults.takeOssPartFail();
    if (failWith !== undefined) {
      // Drained first, so the client sees a clean error reply rather than a reset mid-body.
      for await (const _ of call.req) void _;
      return sendOssError(call.res, failWith, 'InternalError', 'We encountered an internal error. Please try again. (injected fault)');
    }
    const got = await this.receive(call);
    if (this.md5Mismatch(call.req, got.md5)) {
      await fs.rm(got.path, { force: true });
      return sendOssError(call.res, 400, 'InvalidDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    if (!this.uploads.has(uploadId)) {
      await fs.rm(got.path, { force: true });
      return sendOssError(call.res, 404, 'NoSuchUpload', 'The upload was aborted or completed while the part was sent.', { UploadId: uploadId });
    }
    const old = up.parts.get(n);
    up.parts.set(n, { path: got.path, size: got.size, etag: got.md5, lastModified: new Date() });
    if (old) await fs.rm(old.path, { force: true });
    call.res.writeHead(200, { etag: `"${got.md5}"`, 'content-length': 0 });
    call.res.end();
  }

  private listParts(call: Call, bucket: string, object: string, uploadId: string): void {
    const up = this.upload(call, bucket, object, uploadId);
    if (!up) return;
    const q = call.url.searchParams;
    const marker = Number(q.get('part-number-marker') ?? 0) || 0;
    const maxParts = Math.min(1000, Math.max(1, Number(q.get('max-parts') ?? 1000) || 1000));
    const all = [...up.parts.entries()].filter(([n]) => n > marker).sort(([a], [b]) => a - b);
    const page = all.slice(0, maxParts);
    const truncated = all.length > page.length;
    const parts = page
      .map(([n, p]) => `<Part><PartNumber>${n}</PartNumber><LastModified>${p.lastModified.toISOString()}</LastModified><ETag>${xmlEscape(`"${p.etag}"`)}</ETag><Size>${p.size}</Size></Part>`)
      .join('');
    sendXml(
      call.res,
      200,
      'ListPartsResult',
      {
        Bucket: bucket,
        Key: object,
        UploadId: uploadId,
        PartNumberMarker: marker,
        NextPartNumberMarker: page.length ? page[page.length - 1]![0] : marker,
        MaxParts: maxParts,
        IsTruncated: String(truncated),
      },
      parts,
    );
  }

  private async abort(call: Call, bucket: string, object: string, uploadId: string): Promise<void> {
    const up = this.upload(call, bucket, object, uploadId);
    if (!up) return;
    this.uploads.delete(uploadId);
    await Promise.all([...up.parts.values()].map((p) => fs.rm(p.path, { force: true })));
    call.res.writeHead(204, { 'content-length': 0 });
    call.res.end();
  }

  private async complete(call: Call, bucket: string, object: string, uploadId: string): Promise<void> {
    const up = this.upload(call, bucket, object, uploadId);
    if (!up) return;
    const chunks: Buffer[] = [];
    for await (const chunk of call.req) chunks.push(chunk as Buffer);
    const listed = parseCompleteParts(Buffer.concat(chunks).toString('utf8'));
    if (!listed) return sendOssError(call.res, 400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
    const used: StoredPart[] = [];
    for (const [i, { partNumber, etag }] of listed.entries()) {
      if (i > 0 && partNumber <= listed[i - 1]!.partNumber) return sendOssError(call.res, 400, 'InvalidPartOrder', 'The list of parts was not in ascending order.');
      const part = up.parts.get(partNumber);
      if (!part || part.etag !== etag.toUpperCase()) return sendOssError(call.res, 400, 'InvalidPart', `Part ${partNumber} was not uploaded or its ETag does not match.`, { PartNumber: String(partNumber) });
      if (i < listed.length - 1 && part.size < MIN_PART_BYTES) return sendOssError(call.res, 400, 'EntityTooSmall', `Part ${partNumber} is smaller than 100 KiB and not the last part.`, { PartNumber: String(partNumber) });
      used.push(part);
    }
    this.uploads.delete(uploadId);
    const path = await this.tempPath('object');
    const sha1 = createHash('sha1');
    let size = 0;
    const out = createWriteStream(path);
    await pipeline(async function* () {
      for (const part of used) {
        for await (const chunk of createReadStream(part.path, { highWaterMark: 1024 * 1024 })) {
          sha1.update(chunk as Buffer);
          size += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
      }
    }, out);
    await Promise.all([...up.parts.values()].map((p) => fs.rm(p.path, { force: true })));
    // OSS's multipart ETag: MD5 of the concatenated binary part MD5s, "-<count>".
    const etagMd5 = createHash('md5');
    for (const p of used) etagMd5.update(Buffer.from(p.etag, 'hex'));
    const etag = `"${etagMd5.digest('hex').toUpperCase()}-${used.length}"`;
    const got: Received = { path, size, md5: '', sha1: sha1.digest('hex').toUpperCase() };
    return this.finish(call, bucket, object, got, etag, up.sha1 ? got.sha1 : '', () =>
      sendXml(call.res, 200, 'CompleteMultipartUploadResult', { Location: `http://${bucket}.${OSS_ENDPOINT_HOST}/${object}`, Bucket: bucket, Key: object, ETag: etag }),
    );
  }

  /**
   * After the bytes are stored: with `x-oss-callback`, substitute the callback body and let 115
   * land the file (HTTP 200 with 115's JSON, or 203 CallbackFailed as OSS answers a failed
   * callback); without, answer as plain OSS and drop the bytes. `ossSha1` is what OSS puts for
   * `${sha1}`: "" when it did not compute one.
   */
  private async finish(call: Call, bucket: string, object: string, got: Received, etag: string, ossSha1: string, plainAnswer: () => void): Promise<void> {
    const { req, res } = call;
    const cbHeader = req.headers['x-oss-callback'];
    if (typeof cbHeader !== 'string') {
      await fs.rm(got.path, { force: true });
      return plainAnswer();
    }
    const cbText = decodeOssCallbackHeader(cbHeader);
    const varHeader = req.headers['x-oss-callback-var'];
    const varText = typeof varHeader === 'string' ? decodeOssCallbackHeader(varHeader) : '{}';
    let spec: { callbackBody: string };
    let vars: Record<string, string>;
    try {
      if (cbText === undefined || varText === undefined) throw new Error('not Base64');
      spec = ossCallbackSpec115.parse(JSON.parse(cbText));
      vars = ossCallbackVar115.parse(JSON.parse(varText));
    } catch {
      await fs.rm(got.path, { force: true });
      return sendOssError(res, 400, 'InvalidArgument', 'The callback configuration is not json format.');
    }
    const values: Record<string, string> = { bucket, object, size: String(got.size), sha1: ossSha1, etag: etag.replace(/"/g, ''), ...vars };
    // OSS url-encodes each substituted value for the default form body type; unknown names become ''.
    const body = spec.callbackBody.replace(/\$\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ''));
    const landed = landUpload(call.ctx, new URLSearchParams(body), bucket, object, { kind: 'disk', path: got.path }, got.size, got.sha1);
    if (!landed.ok) {
      await fs.rm(got.path, { force: true });
      return sendOssError(res, 203, 'CallbackFailed', `Response body is not valid json format. (115: ${landed.why})`);
    }
    res.setHeader('etag', etag);
    sendJson(res, landed.body);
  }
}
