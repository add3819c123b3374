import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { SigV4Signer, canonicalQuery, encodeKeyPath } from '../src/s3/signing.js';

/** Node's SHA-256 and HMAC in the shape the SDK's signer takes (what @smithy/hash-node does). */
type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytesOf(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const withToken = { ...credentials, sessionToken: 'FQoGZXIvYXdzEXAMPLE//token+with=chars' };

/** The Authorization header the SDK's own signer gives, S3-style (no double encoding, unsigned body). */
async function sdkAuthorization(
  request: { method: string; host: string; path: string; query?: Record<string, string>; headers: Record<string, string> },
  creds: typeof credentials & { sessionToken?: string },
  region: string,
  now: Date,
): Promise<{ authorization: string; headers: Record<string, string> }> {
  const signer = new SignatureV4({ service: 's3', region, credentials: creds, sha256: NodeSha256, uriEscapePath: false });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'https:',
      hostname: request.host,
      path: request.path,
      query: request.query ?? {},
      headers: { host: request.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...request.headers },
    },
    { signingDate: now },
  );
  return { authorization: signed.headers.authorization!, headers: signed.headers };
}

const cases: { name: string; key: string; method: string; query?: Record<string, string>; headers: Record<string, string> }[] = [
  { name: 'a plain key', key: 'folder/file.txt', method: 'PUT', headers: { 'content-length': '11264', 'x-amz-meta-mtime': '1700000000.123456000' } },
  { name: 'spaces', key: 'my folder/a file  with spaces.txt', method: 'HEAD', headers: { 'x-amz-checksum-mode': 'ENABLED' } },
  { name: 'unicode', key: 'données/日本語/emoji 😀.bin', method: 'PUT', headers: { 'content-length': '0' } },
  { name: '+ and =', key: 'a+b=c/d&e?f#g%h', method: 'PUT', headers: { 'content-length': '5', 'x-amz-checksum-sha1': 'qZk+NkcGgWq6PiVxeFDCbJzQ2J0=' } },
  { name: "!'()* and ~", key: "odd!'()*~-_.name", method: 'HEAD', headers: { 'x-amz-checksum-mode': 'ENABLED' } },
  {
    name: 'a part upload with a query',
    key: 'big/file 1+1.bin',
    method: 'PUT',
    query: { partNumber: '12', uploadId: 'VXBsb2FkIElE+/=strange id' },
    headers: { 'content-length': '8388608' },
  },
  {
    name: 'metadata, storage class, values to trim',
    key: 'x/y',
    method: 'PUT',
    headers: { 'Content-Length': '3', 'X-Amz-Meta-Sha1': '  da39a3ee5e6b4b0d3255bfef95601890afd80709 ', 'x-amz-storage-class': 'STANDARD_IA', 'x-amz-meta-note': 'two  spaces' },
  },
];

describe('SigV4 signing', () => {
  for (const c of cases) {
    for (const [label, creds] of [['keys', credentials], ['a session token', withToken]] as const) {
      it(`signs as @smithy/signature-v4 does: ${c.name}, with ${label}`, async () => {
        const now = new Date('2026-03-04T05:06:07.890Z');
        for (const [host, base, region] of [
          ['bucket.s3.eu-west-1.amazonaws.com', '', 'eu-west-1'],
          ['127.0.0.1:9000', '/bucket', 'us-east-1'],
          ['acc.r2.cloudflarestorage.com', '/base/bucket', 'auto'],
        ] as const) {
          const path = `${base}/${encodeKeyPath(c.key)}`;
          const ours = new SigV4Signer(region).sign({ method: c.method, path, ...(c.query ? { query: c.query } : {}), headers: { host, ...c.headers } }, creds, now);
          const sdk = await sdkAuthorization({ method: c.method, host, path, ...(c.query ? { query: c.query } : {}), headers: c.headers }, creds, region, now);
          expect(ours.authorization).toBe(sdk.authorization);
          expect(ours['x-amz-date']).toBe(sdk.headers['x-amz-date']);
          expect(ours['x-amz-security-token']).toBe(sdk.headers['x-amz-security-token']);
        }
      });
    }
  }

  it('reuses the day key across requests and derives a new one the next day', async () => {
    const signer = new SigV4Signer('us-west-2');
    for (const when of ['2026-12-31T23:59:59Z', '2027-01-01T00:00:01Z', '2026-12-31T12:00:00Z']) {
      const now = new Date(when);
      const headers = { 'content-length': '1' };
      const ours = signer.sign({ method: 'PUT', path: '/k', headers: { host: 'b.s3.us-west-2.amazonaws.com', ...headers } }, credentials, now);
      const sdk = await sdkAuthorization({ method: 'PUT', host: 'b.s3.us-west-2.amazonaws.com', path: '/k', headers }, credentials, 'us-west-2', now);
      expect(ours.authorization).toBe(sdk.authorization);
    }
  });

  it('encodes key segments and queries per RFC 3986', () => {
    expect(encodeKeyPath("a b/c+d=e/f!'()*~")).toBe('a%20b/c%2Bd%3De/f%21%27%28%29%2A~');
    expect(canonicalQuery({ uploadId: 'a+b/c=', partNumber: '2' })).toBe('partNumber=2&uploadId=a%2Bb%2Fc%3D');
  });
});
