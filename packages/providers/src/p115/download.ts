import { Readable } from 'node:stream';
import { request } from '../http/undici.js';
import { BadInput, type Entry, NotFound, TransientError } from '@ferry/core';
import { downUrlChrome115, m115DecodeResponse, m115EncodeRequest, m115Envelope, rsaPublicKey } from '@ferry/protocols';
import type { P115Api } from './api.js';

/** p115client keeps a URL until `t` − 300 s; short-lived URLs keep at least a quarter of their life. */
const RENEW_MARGIN_S = 300;
/** Refusals or dropped bodies in a row, without a byte of progress, before a read gives up. */
const MAX_READ_FAILURES = 5;

/**
 * A CDN URL and the cookie its downurl reply set, if any: a URL with `f=3` is refused without that
 * cookie (web notes §3.4), so it travels with the URL and goes out on every request for it.
 */
export interface CdnUrl {
  url: string;
  cookie?: string;
}

interface CachedUrl extends CdnUrl {
  /** When to fetch a fresh one (ms). */
  renewAt: number;
}

/**
 * Asks 115 for a fresh CDN URL of the file `key` names (a pick code for one's own files, a file id
 * inside a share); `where` is for messages. `size` is the file's listed size: a share picks its
 * endpoint by it (the web one stops at 200 MB).
 */
export type UrlSource = (key: string, where: string, size: number) => Promise<CdnUrl>;

/** Keeps the cookie a downurl call's reply sets: pass `options` to the call, then `with(url)`. */
export function replyCookie(): { options: { onSetCookie: (cookie: string) => void }; with: (url: string) => CdnUrl } {
  let cookie: string | undefined;
  return {
    options: { onSetCookie: (c) => (cookie = c) },
    with: (url) => (cookie ? { url, cookie } : { url }),
  };
}

/** One's own files: the m115 chrome route, by pick code. */
export function chromeUrlSource(api: P115Api): UrlSource {
  const pub = rsaPublicKey(api.options.rsa_n, api.options.rsa_e);
  return async (pickCode, where) => {
    const { data, key } = m115EncodeRequest(JSON.stringify({ pickcode: pickCode }), pub);
    const form = new URLSearchParams({ data });
    const cookie = replyCookie();
    const reply = await api.call('proapi', '/app/chrome/downurl', m115Envelope, { query: { t: Math.floor(Date.now() / 1000) }, form, ...cookie.options });
    let payload: unknown;
    try {
      payload = JSON.parse(m115DecodeResponse(reply.data, key, pub).toString('utf8'));
    } catch (err) {
      throw new BadInput(`${where}: cannot decode 115's download reply (is rsa_n right for this endpoint?)`, { cause: err });
    }
    const parsed = downUrlChrome115.safeParse(payload);
    if (!parsed.success) throw new TransientError(`${where}: unexpected download reply from 115`);
    const item = Object.values(parsed.data).find((v) => v.pick_code === pickCode);
    if (!item || typeof item.url !== 'object' || Array.isArray(item.url)) throw new NotFound(`${where}: 115 gives no download URL (a folder, or deleted)`);
    return cookie.with(item.url.url);
  };
}

/**
 * Download URLs from a UrlSource, cached per key until shortly before their expiry `t`, and
 * ranged reads that fetch `segmentBytes` per request so a URL that expires mid-file is renewed
 * between requests (or as soon as the CDN refuses it). The CDN binds URLs to the User-Agent that
 * asked for them, so reads send the account's UA, the one the source's API calls send, and to the
 * cookie the downurl reply set (`f=3`), which reads send along with that URL, renewals included.
 */
export class Downloads {
  private readonly urls = new Map<string, CachedUrl>();

  constructor(
    private readonly api: P115Api,
    private readonly segmentBytes: number,
    private readonly source: UrlSource,
  ) {}

  async url(key: string, where: string, size: number, fresh = false): Promise<CdnUrl> {
    const cached = this.urls.get(key);
    if (!fresh && cached && Date.now() < cached.renewAt) return cached;
    const got = await this.source(key, where, size);
    const t = Number(new URL(got.url).searchParams.get('t'));
    const now = Date.now() / 1000;
    const margin = Number.isFinite(t) && t > now ? Math.min(RENEW_MARGIN_S, (t - now) / 4) : 0;
    this.urls.set(key, { ...got, renewAt: Number.isFinite(t) && t > 0 ? (t - margin) * 1000 : Date.now() + 60_000 });
    return got;
  }

  open(entry: Entry, key: string, start: number, end: number, where: string): Readable {
    return Readable.from(this.bytes(entry, key, start, end, where), { objectMode: false });
  }

  private async *bytes(entry: Entry, key: string, start: number, end: number, where: string): AsyncGenerator<Buffer> {
    let pos = start;
    let failures = 0;
    let fresh = false;
    const fail = (why: string) => {
      if (++failures >= MAX_READ_FAILURES) throw new TransientError(`${where}: download keeps failing at byte ${pos} (${why})`);
    };
    while (pos < end) {
      const segEnd = Math.min(end, pos + this.segmentBytes);
      const { url, cookie } = await this.url(key, where, entry.size, fresh);
      fresh = false;
      let res;
      try {
        res = await request(url, {
          dispatcher: await this.api.dispatcher(),
          headers: { 'user-agent': this.api.options.user_agent, range: `bytes=${pos}-${segEnd - 1}`, ...(cookie ? { cookie } : {}) },
          headersTimeout: 60_000,
          bodyTimeout: 60_000,
        });
      } catch (err) {
        fail((err as Error).message);
        continue;
      }
      if (res.statusCode === 403 || res.statusCode === 410 || res.statusCode === 404) {
        // 115's CDN refuses expired URLs and ones without their UA or cookie: renew and carry on from `pos`.
        await res.body.dump();
        fresh = true;
        fail(`CDN answered HTTP ${res.statusCode}`);
        continue;
      }
      if (res.statusCode === 416) {
        await res.body.dump();
        throw new BadInput(`${where}: range ${pos}-${segEnd - 1} is beyond the file's ${entry.size} bytes`);
      }
      if (res.statusCode !== 206 && !(res.statusCode === 200 && pos === 0)) {
        await res.body.dump();
        fail(`CDN answered HTTP ${res.statusCode}`);
        continue;
      }
      try {
        for await (const chunk of res.body) {
          const buf = chunk as Buffer;
          const room = segEnd - pos;
          const take = buf.length > room ? buf.subarray(0, room) : buf;
          if (take.length) {
            pos += take.length;
            failures = 0;
            yield take;
          }
          if (pos >= segEnd) break;
        }
      } catch (err) {
        fail((err as Error).message);
        continue;
      } finally {
        // Frees the socket when the consumer stops early or the CDN sent more than the segment.
        res.body.destroy();
      }
      if (pos < segEnd) fail('the body ended early');
    }
  }
}
