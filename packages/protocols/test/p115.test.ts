import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type RsaPrivateKey,
  decode115Name,
  deriveKey,
  encode115Name,
  failureOf,
  envelope115,
  filesPage115,
  formatCookie115,
  m115DecodeRequest,
  m115DecodeResponse,
  m115EncodeRequest,
  m115EncodeResponse,
  parseCookie115,
  parseUid,
  rsaPublicKey,
  xorTransform,
} from '../src/index.js';

function testKey(): RsaPrivateKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent: 0x10001 });
  const jwk = privateKey.export({ format: 'jwk' });
  const big = (b64: string | undefined) => BigInt(`0x${Buffer.from(b64!, 'base64url').toString('hex')}`);
  return { n: big(jwk.n), e: big(jwk.e), d: big(jwk.d) };
}

describe('m115', () => {
  // Known answers from p115client/115driver (web notes §3.2): the keys derived from a zero seed.
  it('derives the published keys from a zero seed', () => {
    expect(deriveKey(Buffer.alloc(16), 4).toString('hex')).toBe('8da5a58d');
    expect(deriveKey(Buffer.alloc(16), 12).toString('hex')).toBe('ac822114c15858c1142182ac');
  });

  it('xor transform restarts the key after len mod 4 bytes and is its own inverse', () => {
    const key = Buffer.from('01020304', 'hex');
    expect(xorTransform(Buffer.from('000000000000', 'hex'), key).toString('hex')).toBe('010201020304');
    const data = Buffer.from('hello, 115 world');
    expect(xorTransform(xorTransform(data, key), key).equals(data)).toBe(true);
  });

  it('the real modulus is 1024 bits', () => {
    expect(rsaPublicKey().n.toString(2)).toHaveLength(1024);
    expect(rsaPublicKey().e).toBe(65537n);
  });

  it('round-trips request and reply, including multi-block payloads', () => {
    const priv = testKey();
    const pub = { n: priv.n, e: priv.e };
    for (const payload of ['{"pickcode":"abc"}', JSON.stringify({ url: Array.from({ length: 20 }, (_, i) => `https://x/${i}`) }), '']) {
      const req = m115EncodeRequest(payload, pub);
      const got = m115DecodeRequest(req.data, priv);
      expect(got.plain.toString()).toBe(payload);
      expect(got.key.equals(req.key)).toBe(true);
      const reply = m115EncodeResponse(`{"echo":${JSON.stringify(payload)}}`, got.key, priv);
      expect(m115DecodeResponse(reply, req.key, pub).toString()).toBe(`{"echo":${JSON.stringify(payload)}}`);
    }
  });

  it('a reply decoded with another key pair fails loudly or yields garbage, never the plain text', () => {
    const priv = testKey();
    const other = testKey();
    const req = m115EncodeRequest('{"a":1}', priv);
    const reply = m115EncodeResponse('{"secret":1}', m115DecodeRequest(req.data, priv).key, priv);
    let decoded = '';
    try {
      decoded = m115DecodeResponse(reply, req.key, other).toString();
    } catch {
      decoded = 'threw';
    }
    expect(decoded).not.toBe('{"secret":1}');
  });
});

describe('115 names, cookies and fields', () => {
  it('decodes [\\x02<code point>] escapes and leaves other brackets alone', () => {
    expect(decode115Name('a[\x02128512]b[2]')).toBe('a😀b[2]');
    expect(encode115Name('x😀y')).toBe('x[\x02128512]y');
    expect(decode115Name(encode115Name('𝄞 music 😀'))).toBe('𝄞 music 😀');
  });

  it('parses UID and cookie strings, tolerating a trailing ";" but not a bare word', () => {
    expect(parseUid('123456_A1_1700000000')).toEqual({ userId: '123456', ssoent: 'A1', time: 1700000000 });
    expect(parseUid('123456_A1')).toBeUndefined();
    const c = parseCookie115('UID=1_A1_2; CID=c; SEID=s; KID=k;');
    expect(c).toEqual({ UID: '1_A1_2', CID: 'c', SEID: 's', KID: 'k' });
    expect(formatCookie115(c!)).toBe('UID=1_A1_2; CID=c; SEID=s; KID=k');
    expect(parseCookie115('UID=1_A1_2; CID=c; junk')).toBeUndefined();
    expect(parseCookie115('UID=1_A1_2; CID=c')).toBeUndefined();
  });

  it('reads numbers sent as strings and keeps 19-digit ids exact', () => {
    const page = filesPage115.parse({
      state: true,
      cid: '2920294968491934720',
      count: '2',
      offset: 0,
      data: [
        { cid: '2920294968491934721', pid: '2920294968491934720', n: 'dir', pc: 'fa1' },
        { fid: '2920294968491934722', cid: '2920294968491934720', n: 'f[\x02128512]', s: '1024', sha: 'AB', pc: 'a1' },
      ],
    });
    expect(page.count).toBe(2);
    expect(page.data[1]).toMatchObject({ fid: '2920294968491934722', s: 1024, n: 'f😀' });
    expect(() => filesPage115.parse({ state: true, cid: 2920294968491934720, count: 0, data: [] })).toThrow();
  });

  it('finds the error code the way p115client does', () => {
    expect(failureOf(envelope115.parse({ state: false, errno: '', errNo: 99, error: '请重新登录' }))).toEqual({ code: 99, text: '请重新登录' });
    expect(failureOf(envelope115.parse({ state: 0, errno: 0, code: 0, message: 'x' }))).toEqual({ code: undefined, text: 'x' });
    expect(failureOf(envelope115.parse({ state: true }))).toBeUndefined();
    expect(failureOf(envelope115.parse({ file_name: 'bare' }))).toBeUndefined();
  });
});
