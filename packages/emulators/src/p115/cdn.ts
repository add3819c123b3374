import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Faults } from './risk.js';
import { type Content, type Node, type UserTree, readContent } from './store.js';
import { sendText } from './http-io.js';
import { drainedOrClosed } from '../response-drain.js';

/** Bytes the CDN can serve: a live node of a user's tree, or a share snapshot's file. */
export interface ServedFile {
  id: string;
  name: string;
  size: number;
  sha1: string;
  content?: Content;
}

interface IssuedUrl {
  userId: string;
  fileId: string;
  userAgent: string;
  /** `name=value` a request must send, for a cookie-bound URL (f=3). */
  cookie?: string;
  serial: number;
  /**
   * Set for share downloads: the snapshot file itself, captured at issue time, because a
   * snapshot outlives the owner's node and the caller (in `u`) is not the owner.
   */
  snapshot?: ServedFile;
}

/**
 * Which downurl routes issue cookie-bound URLs (f=3). `web`: the webapi routes (share/downurl),
 * on by default, as 115's web `files/download` always sets such a cookie (web notes §3.1). `app`:
 * the m115 routes (chrome, android, app share/downurl), off by default: which of them 115 binds to
 * a cookie is not documented [?].
 */
export interface CookieBoundRoutes {
  web: boolean;
  app: boolean;
}

/** A URL as issued, and for a cookie-bound one (f=3) the Set-Cookie line its downurl reply carries. */
export interface IssuedCdnUrl {
  url: string;
  setCookie?: string;
}

/**
 * The download CDN. URLs look like 115's (web notes §3.4):
 * `/cdn/<40 hex>/<name>?t=<expiry s>&u=<user id>&s=<size>&c=0&f=1&k=<signature>&v=1`,
 * bound to the User-Agent of the downurl request (f=1), and when issued cookie-bound (f=3) also to
 * a `<32 hex>=<32 hex>` cookie the downurl reply sets (web notes §3.1, 3.4: p115client). Expiry, UA
 * and cookie are checked when a request starts; a response already flowing finishes, as a CDN
 * checks auth once per request. Refusals are HTTP 403 (the notes leave the status open and
 * suggests 403). Share downloads use the same URLs; they carry the snapshot's file with them (see
 * IssuedUrl.snapshot).
 */
export class Cdn {
  bytesServed = 0;
  /** Requests refused for an expired, forged or UA-mismatched URL. */
  refused = 0;
  private readonly secret = randomBytes(32);
  private readonly issued = new Map<string, IssuedUrl>();
  private serial = 0;
  /** URLs with a serial below this are expired (the "expired URL" fault). */
  private revokedBelow = 0;
  private revokeAtBytes: number | undefined;

  /** Set once the server listens; URLs are issued only after that. */
  baseUrl = '';

  constructor(
    public urlLifetimeS: number,
    private readonly faults: Faults,
    public cookieBound: CookieBoundRoutes = { web: true, app: false },
  ) {}

  issue(user: UserTree, node: Node, userAgent: string, cookieBound = false): IssuedCdnUrl {
    return this.issueFor(user.userId, node, userAgent, cookieBound);
  }

  /** A URL for a share snapshot's file, issued to `userId` (the downloader, not the sharer). */
  issueSnapshot(userId: string, file: ServedFile, userAgent: string, cookieBound = false): IssuedCdnUrl {
    return this.issueFor(userId, file, userAgent, cookieBound, file);
  }

  private issueFor(userId: string, file: Pick<ServedFile, 'id' | 'name' | 'size'>, userAgent: string, cookieBound: boolean, snapshot?: ServedFile): IssuedCdnUrl {
    const token = randomBytes(20).toString('hex');
    const t = Math.floor(Date.now() / 1000) + this.urlLifetimeS;
    const cookie = cookieBound ? `${randomBytes(16).toString('hex')}=${randomBytes(16).toString('hex')}` : undefined;
    this.issued.set(token, { userId, fileId: file.id, userAgent, serial: this.serial++, ...(cookie ? { cookie } : {}), ...(snapshot ? { snapshot } : {}) });
    const k = this.sign(token, t, userId);
    const query = `t=${t}&u=${userId}&s=${file.size}&d=0&c=0&f=${cookie ? 3 : 1}&k=${k}&us=0&uc=0&v=1`;
    const url = `${this.baseUrl}/cdn/${token}/${encodeURIComponent(file.name)}?${query}`;
    // Choice [?]: the attributes 115 sets are not documented; clients send back name=value only.
    return cookie ? { url, setCookie: `${cookie}; path=/` } : { url };
  }

  /** Expires every URL issued so far, now or after `afterBytes` more bytes leave the CDN. */
  expireIssued(afterBytes = 0): void {
    if (afterBytes <= 0) this.revokedBelow = this.serial;
    else this.revokeAtBytes = this.bytesServed + afterBytes;
  }

  private refuse(res: ServerResponse, why: string): void {
    this.refused++;
    sendText(res, 403, `Forbidden: ${why}`);
  }

  private sign(token: string, t: number, userId: string): string {
    return createHmac('sha1', this.secret).update(`${token}|${t}|${userId}`).digest('hex');
  }

  async serve(req: IncomingMessage, res: ServerResponse, url: URL, users: Map<string, UserTree>): Promise<void> {
    const pending = this.faults.takeExpireUrls();
    if (pending !== undefined) this.expireIssued(pending);
    if (this.revokeAtBytes !== undefined && this.bytesServed >= this.revokeAtBytes) {
      this.revokedBelow = this.serial;
      this.revokeAtBytes = undefined;
    }
    const token = url.pathname.split('/')[2] ?? '';
    const entry = this.issued.get(token);
    const t = Number(url.searchParams.get('t'));
    const u = url.searchParams.get('u') ?? '';
    const k = Buffer.from(url.searchParams.get('k') ?? '');
    const expected = Buffer.from(entry ? this.sign(token, t, u) : '');
    if (!entry || k.length !== expected.length || !timingSafeEqual(k, expected) || u !== entry.userId) {
      return this.refuse(res, 'bad signature');
    }
    if (t < Date.now() / 1000 || entry.serial < this.revokedBelow) return this.refuse(res, 'URL expired');
    if ((req.headers['user-agent'] ?? '') !== entry.userAgent) return this.refuse(res, 'User-Agent mismatch');
    if (entry.cookie && !cookiePairs(req.headers.cookie).includes(entry.cookie)) return this.refuse(res, 'cookie missing');
    const live = entry.snapshot ? undefined : users.get(entry.userId)?.live(entry.fileId);
    const node: ServedFile | undefined = entry.snapshot ?? (live && !live.isDir ? live : undefined);
    if (!node?.content) return sendText(res, 404, 'Not Found');

    const range = parseRange(req.headers.range, node.size);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { 'content-range': `bytes */${node.size}`, 'content-length': 0 });
      return void res.end();
    }
    const [start, end] = range ?? [0, node.size - 1];
    const length = Math.max(0, end - start + 1);
    const headers: Record<string, string | number> = {
      'content-type': 'application/octet-stream',
      'content-length': length,
      'accept-ranges': 'bytes',
      etag: `"${node.sha1}"`,
    };
    if (range) headers['content-range'] = `bytes ${start}-${end}/${node.size}`;
    res.writeHead(range ? 206 : 200, headers);
    if (req.method === 'HEAD' || length === 0) return void res.end();

    const dropAfter = this.faults.takeDrop();
    const body = readContent(node.content, start, end);
    const stream = Buffer.isBuffer(body) ? Readable.from(chunks(body)) : body;
    let sent = 0;
    try {
      for await (const raw of stream) {
        let chunk = raw as Buffer;
        if (dropAfter !== undefined && sent + chunk.length >= dropAfter) {
          chunk = chunk.subarray(0, Math.max(0, dropAfter - sent));
          if (chunk.length) res.write(chunk);
          this.bytesServed += chunk.length;
          res.socket?.destroy();
          return;
        }
        sent += chunk.length;
        this.bytesServed += chunk.length;
        if (!res.write(chunk)) await drainedOrClosed(res);
        if (res.destroyed) return;
      }
      res.end();
    } finally {
      if (!Buffer.isBuffer(body)) body.destroy();
    }
  }
}

function* chunks(data: Buffer, size = 256 * 1024): Generator<Buffer> {
  for (let off = 0; off < data.length; off += size) yield data.subarray(off, off + size);
}

/** `bytes=a-b`, `bytes=a-` and suffix `bytes=-n`; one range only (115's CDN is not known to do multipart). */
function parseRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return [Math.max(0, size - n), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return [start, end];
}

function cookiePairs(header: string | undefined): string[] {
  return (header ?? '').split(';').map((p) => p.trim());
}
