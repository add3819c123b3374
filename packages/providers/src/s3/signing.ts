import { createHash, createHmac } from 'node:crypto';

/** What a request is signed with: never logged, never put in an error. */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

/** A request to sign: the path as sent (already encoded), the query unencoded. */
export interface SignableRequest {
  method: string;
  path: string;
  query?: Record<string, string>;
  /** Every header here is signed; `host` among them. */
  headers: Record<string, string>;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** RFC 3986: everything but A-Z a-z 0-9 - _ . ~ percent-encoded, in UTF-8. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** An object key as a URI path: each segment encoded, the slashes kept (S3 is not double-encoded). */
export function encodeKeyPath(key: string): string {
  return key.split('/').map(uriEncode).join('/');
}

/** The query as sent and as signed: names and values encoded, sorted by name then value. */
export function canonicalQuery(query: Record<string, string> | undefined): string {
  if (!query) return '';
  return Object.entries(query)
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/**
 * AWS Signature Version 4 in the Authorization header, for S3 with unsigned bodies: hashing a
 * body to sign it would be a second pass over every byte uploaded (the SDK does it over plain
 * http, a second of CPU per GiB measured); the bytes are checked by TLS where used and by the
 * SHA-1 Ferry sends and stores. The signing key depends only on the secret, the day, the region
 * and the service: it is derived once a day instead of four HMACs per request.
 */
export class SigV4Signer {
  private cached: { secret: string; day: string; key: Buffer } | undefined;

  constructor(
    private readonly region: string,
    private readonly service = 's3',
  ) {}

  private signingKey(secret: string, day: string): Buffer {
    if (this.cached?.secret === secret && this.cached.day === day) return this.cached.key;
    const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), this.region), this.service), 'aws4_request');
    this.cached = { secret, day, key };
    return key;
  }

  /**
   * The headers to send: the request's, plus x-amz-date, x-amz-content-sha256, the session token
   * when there is one, and Authorization.
   */
  sign(request: SignableRequest, credentials: S3Credentials, now: Date): Record<string, string> {
    const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const day = amzDate.slice(0, 8);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    headers['x-amz-date'] = amzDate;
    headers['x-amz-content-sha256'] = UNSIGNED_PAYLOAD;
    if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
    const names = Object.keys(headers).sort();
    const canonicalHeaders = names.map((n) => `${n}:${headers[n]!.trim().replace(/\s+/g, ' ')}\n`).join('');
    const signedHeaders = names.join(';');
    const canonicalRequest = [request.method, request.path, canonicalQuery(request.query), canonicalHeaders, signedHeaders, UNSIGNED_PAYLOAD].join('\n');
    const scope = `${day}/${this.region}/${this.service}/aws4_request`;
    const stringToSign = [ALGORITHM, amzDate, scope, createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')].join('\n');
    const signature = createHmac('sha256', this.signingKey(credentials.secretAccessKey, day)).update(stringToSign, 'utf8').digest('hex');
    headers.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  }
}
