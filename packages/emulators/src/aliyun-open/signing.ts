import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Presigned URLs in the shape of OSS's (§9.1): the resource, its expiry (`x-oss-expires`, unix
 * seconds) and an HMAC over both. A URL is only as good as its signature and its clock.
 */
export class UrlSigner {
  private readonly key = randomBytes(32);
  readonly accessKeyId = `LTAI${randomBytes(8).toString('hex')}`;

  constructor(private readonly now: () => number) {}

  private mac(method: string, path: string, params: string, expires: number): Buffer {
    return createHmac('sha1', this.key).update(`${method}\n${path}\n${params}\n${expires}`).digest();
  }

  sign(base: string, method: string, path: string, params: Record<string, string>, ttlSec: number): string {
    const expires = Math.floor(this.now() / 1000) + ttlSec;
    const canonical = new URLSearchParams(params).toString();
    const query = new URLSearchParams({
      ...params,
      'x-oss-access-key-id': this.accessKeyId,
      'x-oss-expires': String(expires),
      'x-oss-signature-version': 'OSS2',
      'x-oss-signature': this.mac(method, path, canonical, expires).toString('base64url'),
    });
    return `${base}${path}?${query}`;
  }

  /** 'ok', or why OSS would answer 403. */
  verify(method: string, url: URL, paramNames: readonly string[]): 'ok' | 'bad-signature' | 'expired' {
    const expires = Number(url.searchParams.get('x-oss-expires'));
    const given = Buffer.from(url.searchParams.get('x-oss-signature') ?? '', 'base64url');
    const canonical = new URLSearchParams(paramNames.map((n): [string, string] => [n, url.searchParams.get(n) ?? ''])).toString();
    const want = this.mac(method, url.pathname, canonical, expires);
    if (!Number.isFinite(expires) || given.length !== want.length || !timingSafeEqual(given, want)) return 'bad-signature';
    return expires * 1000 <= this.now() ? 'expired' : 'ok';
  }
}

/** OSS answers data-plane errors in XML. */
export function ossErrorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>${code}</Code>\n  <Message>${message}</Message>\n  <RequestId>${randomBytes(12).toString('hex').toUpperCase()}</RequestId>\n</Error>\n`;
}
