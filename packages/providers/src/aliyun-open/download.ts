import { Readable } from 'node:stream';
import { NotFound, TransientError } from '@ferry/core';
import { ALIYUN_PATHS, aliyunDownloadUrlResponseSchema } from '@ferry/protocols';
import { request } from '../http/undici.js';
import type { AliyunOpenApi } from './api.js';
import { networkError } from './errors.js';

/** Long-lived links spare the 1-per-second getDownloadUrl budget; the service allows up to 4 h. */
const EXPIRE_SEC = 14_400;
/** A cached link is not used in its last minutes: a long read could outlive it. */
const REUSE_MARGIN_MS = 5 * 60_000;

/** A download link the server refused (expired). */
const LINK_EXPIRED = Symbol('link expired');

interface CachedUrl {
  url: string;
  expiresAt: number;
}

/** Ranged reads through download URLs, cached per file id and renewed when they expire. */
export class Downloads {
  private readonly urls = new Map<string, CachedUrl>();

  constructor(
    private readonly api: AliyunOpenApi,
    private readonly driveId: string,
  ) {}

  private async url(fileId: string, where: string, fresh: boolean): Promise<string> {
    const cached = this.urls.get(fileId);
    if (!fresh && cached && cached.expiresAt - REUSE_MARGIN_MS > Date.now()) return cached.url;
    const link = await this.api.call(
      ALIYUN_PATHS.downloadUrl,
      { drive_id: this.driveId, file_id: fileId, expire_sec: EXPIRE_SEC },
      aliyunDownloadUrlResponseSchema,
      where,
    );
    const expiresAt = link.expiration ? Date.parse(link.expiration) : Date.now() + 900_000;
    this.urls.set(fileId, { url: link.url, expiresAt });
    return link.url;
  }

  /** Bytes [start, end) of a file as a stream; an expired link is renewed once. */
  async open(fileId: string, start: number, end: number, size: number, where: string): Promise<Readable> {
    if (end <= start) return Readable.from([]);
    const range = { start, end, whole: start === 0 && end >= size };
    const first = await this.fetch(await this.url(fileId, where, false), range, where, true);
    if (first !== LINK_EXPIRED) return first;
    // OSS answers an expired link with 403 "Request has expired."; one renewal covers clock skew.
    return (await this.fetch(await this.url(fileId, where, true), range, where, false)) as Readable;
  }

  /** One GET of a link: the body, LINK_EXPIRED (a 403 while `renewable`), or a typed error. */
  private async fetch(url: string, range: { start: number; end: number; whole: boolean }, where: string, renewable: boolean): Promise<Readable | typeof LINK_EXPIRED> {
    let res;
    try {
      res = await request(url, { method: 'GET', headers: range.whole ? {} : { range: `bytes=${range.start}-${range.end - 1}` } });
    } catch (err) {
      throw networkError(err, where);
    }
    if (res.statusCode === 206 || (res.statusCode === 200 && range.whole)) return res.body;
    if (res.statusCode === 200) {
      res.body.destroy();
      throw new TransientError(`${where}: the download server ignored the byte range`);
    }
    const text = await res.body.text();
    if (res.statusCode === 403 && renewable) return LINK_EXPIRED;
    if (res.statusCode === 404) throw new NotFound(`${where}: the file is gone`);
    throw new TransientError(`${where}: download answered ${res.statusCode} (${text.slice(0, 120).replace(/\s+/g, ' ')})`);
  }

  async read(fileId: string, start: number, end: number, size: number, where: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.open(fileId, start, end, size, where)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}
