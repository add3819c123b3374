import { ECDH, createCipheriv, createDecipheriv, createECDH, createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  INIT_UPLOAD_STATUS,
  K_EC_FRAME_MAX,
  KEcError,
  Lz4Error,
  P115_EC_SERVER_PUBLIC_KEY,
  P115_PREID_BYTES,
  SignCheckError,
  crc32Ieee,
  createKEcClient,
  decodeKEcToken,
  decodeOssCallbackHeader,
  encodeInitUploadForm,
  encodeKEcToken,
  getToken115,
  getUploadInfo115,
  initUpload115,
  initUploadFailed,
  initUploadFields,
  kEcCipherFromSecret,
  kEcDecryptRequest,
  kEcDecryptResponse,
  kEcEncryptRequest,
  kEcEncryptResponse,
  kEcServerCipher,
  kEcServerKeyPair,
  lz4BlockDecompress,
  lz4BlockEncodeLiterals,
  ossAuthorization,
  ossCallbackHeaders,
  ossCallbackResult115,
  ossCallbackSpec115,
  ossCallbackVar115,
  ossCanonicalResource,
  ossContentMd5,
  ossStringToSign,
  p115PreId,
  p115Sha1,
  p115SignVal,
  parseOssAuthorization,
  parseSignCheck,
  signCheckReadRange,
  stsCredentials,
  uploadInfo115,
  uploadSig,
  uploadTarget,
  uploadToken,
} from '../src/index.js';

const hex = (s: string) => Buffer.from(s, 'hex');
const sha1 = (data: string | Uint8Array) => createHash('sha1').update(data).digest('hex');
const md5 = (data: string | Uint8Array) => createHash('md5').update(data).digest('hex');

/** Byte i = i mod 251: no run repeats within a 251-byte window. */
function ramp(n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = i % 251;
  return out;
}

describe('CRC-32/IEEE', () => {
  // The catalogue check value of CRC-32/ISO-HDLC (the IEEE/zlib CRC): crc("123456789") = 0xCBF43926.
  it('matches the standard check value', () => {
    expect(crc32Ieee(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32Ieee(Buffer.from('1234'), Buffer.from('56789'))).toBe(0xcbf43926);
    expect(crc32Ieee()).toBe(0);
  });
});

describe('LZ4 block', () => {
  // Produced by the notes compressor, `lz4 -9 --no-frame-crc -BD` v1.9.4, with the frame header,
  // the block size word and the end mark stripped: real blocks with matches, including an
  // overlapping one (offset 3, length 18) and extended literal/match lengths.
  it('inflates blocks made by the lz4 reference compressor', () => {
    const json =
      '{"state":true,"statuscode":0,"statusmsg":"","status":2,"pickcode":"abcdefghijklmnopq","data":"abcabcabcabcabcabcabcabc"}';
    const block1 = hex(
      'e17b227374617465223a747275652c0d00947573636f6465223a300f00746d7367223a22220f0092223a322c227069636b2700f20a22616263646566676869' +
        '6a6b6c6d6e6f7071222c22646174611b000e030050616263227d',
    );
    expect(lz4BlockDecompress(block1, 8192).toString()).toBe(json);

    const plain2 = Buffer.concat([Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7 + 3) % 251)), Buffer.alloc(600, 'x'), Buffer.from('tail!')]);
    const block2 = hex(
      'ffec030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1f8040b121920272e353c434a51585f666d747b828990979ea5acb3bac1c8cf' +
        'd6dde4ebf2f9050c131a21282f363d444b525960676e757c838a91989fa6adb4bbc2c9d0d7dee5ecf3fa060d141b222930373e454c535a61686f767d848b9299a0a7ae' +
        'b5bcc3cad1d8dfe6edf400070e151c232a31383f464d545b626970777e858c939aa1a8afb6bdc4cbd2d9e0e7eef501080f161d242b323940474e555c636a71787f868d' +
        '949ba2a9b0b7bec5ccd3dae1e8eff6020910171e252c333a41484f565d646b727980878e959ca3aab1b8bfc6cdd4dbe2e9f0f7fb001e1f780100ffff46507461696c21',
    );
    const out2 = lz4BlockDecompress(block2, 4096);
    expect(sha1(plain2)).toBe('cd47d343ba82d38aa51cf00fca8b021b758a5d20'); // sha1sum of the compressor's input file
    expect(out2.equals(plain2)).toBe(true);
  });

  it('copies overlapping matches byte by byte (hand-built blocks)', () => {
    // "abc", then a match at offset 3 of 4+5 = 9 bytes (reads what it writes), then the literal "X".
    const block = Buffer.from([0x35, ...Buffer.from('abc'), 0x03, 0x00, 0x10, ...Buffer.from('X')]);
    expect(lz4BlockDecompress(block, 64).toString()).toBe('abcabcabcabcX');
    // "a", then offset 1 with match length 15 + 255 + 25 + 4 = 299, then "Z": a run of 300 'a'.
    const run = Buffer.from([0x1f, 0x61, 0x01, 0x00, 255, 25, 0x10, 0x5a]);
    expect(lz4BlockDecompress(run, 1000).toString()).toBe(`${'a'.repeat(300)}Z`);
  });

  it('encodes literal-only blocks with the 255-continued length', () => {
    expect(lz4BlockEncodeLiterals(Buffer.alloc(0)).toString('hex')).toBe('00');
    expect(lz4BlockEncodeLiterals(Buffer.from('hi')).toString('hex')).toBe('206869');
    expect(lz4BlockEncodeLiterals(Buffer.alloc(15, 1)).subarray(0, 2).toString('hex')).toBe('f000');
    expect(lz4BlockEncodeLiterals(Buffer.alloc(269, 1)).subarray(0, 2).toString('hex')).toBe('f0fe');
    expect(lz4BlockEncodeLiterals(Buffer.alloc(270, 1)).subarray(0, 3).toString('hex')).toBe('f0ff00');
    for (const n of [0, 1, 14, 15, 16, 269, 270, 271, 525, 8192]) {
      const data = ramp(n);
      expect(lz4BlockDecompress(lz4BlockEncodeLiterals(data), n).equals(data)).toBe(true);
    }
  });

  it('rejects malformed blocks with Lz4Error', () => {
    const bad: Array<[string, number[]]> = [
      ['empty', []],
      ['literals past the end', [0x50, 0x61, 0x62]],
      ['length extension past the end', [0xf0, 0xff]],
      ['offset cut short', [0x14, 0x61, 0x01]],
      ['offset 0', [0x10, 0x61, 0x00, 0x00, 0x10, 0x61]],
      ['offset before the start', [0x10, 0x61, 0x02, 0x00, 0x10, 0x61]],
      ['match length extension past the end', [0x1f, 0x61, 0x01, 0x00, 0xff]],
      ['ends with a match', [0x10, 0x61, 0x01, 0x00]],
    ];
    for (const [what, bytes] of bad) {
      expect(() => lz4BlockDecompress(Buffer.from(bytes), 1 << 16), what).toThrow(Lz4Error);
    }
  });

  it('refuses to inflate beyond the limit', () => {
    const run = Buffer.from([0x1f, 0x61, 0x01, 0x00, 255, 25, 0x10, 0x5a]);
    expect(() => lz4BlockDecompress(run, 300)).toThrow(Lz4Error);
    expect(() => lz4BlockDecompress(Buffer.from([0x30, 1, 2, 3]), 2)).toThrow(Lz4Error);
  });

  it('throws nothing but Lz4Error on random input', () => {
    for (let i = 0; i < 3000; i++) {
      const input = randomBytes(1 + (i % 40));
      try {
        const out = lz4BlockDecompress(input, 512);
        expect(out.length).toBeLessThanOrEqual(512);
      } catch (err) {
        expect(err).toBeInstanceOf(Lz4Error);
      }
    }
  });
});

// p115cipher's fixed ECDH pair (web notes §4.4): the client blob and the AES key/IV it derived once.
const FIXED_BLOB = hex('1d030e80a178dceececda377de128d8ed9ddcf55ae61ed46ea121a1cfc81');
const FIXED_KEY = hex('fb1a19d652f5aaf7bc651d0f69bf422f');
const FIXED_IV = hex('69bf422f49960550a0ad44ec3446cb4c');
// Fixed private scalars (below the P-224 order) so the tests are reproducible.
const SERVER_PRIV = hex('11'.repeat(28));
const CLIENT_PRIV = hex('22'.repeat(28));

describe('k_ec token', () => {
  // p115client's `_default_k_ec = ecdh_encode_token(0)`: p115cipher's fixed blob, timestamp 0 and no masks
  // (r1 = r2 = 0). This literal is hard-coded by p115strmhelper as `_DEFAULT_K_EC`.
  const P115CLIENT_DEFAULT_K_EC = 'HQMOgKF43O7OzaN33hKNAHMAAAAAAAAAjtndz1WuYe1G6hIaHPyBAAEAAAAMfvVI';

  it("reproduces p115client's default token, CRC included", () => {
    expect(encodeKEcToken(FIXED_BLOB, 0, [0, 0])).toBe(P115CLIENT_DEFAULT_K_EC);
    const decoded = decodeKEcToken(P115CLIENT_DEFAULT_K_EC);
    expect(decoded.publicBlob.equals(FIXED_BLOB)).toBe(true);
    expect(decoded).toMatchObject({ timestamp: 0, word16: 0x73, word40: 1 });
  });

  it('lays the masks out as bytes 15 and 39 and round-trips any masks', () => {
    const token = encodeKEcToken(FIXED_BLOB, 0x01020304, [0xa5, 0x3c]);
    const raw = Buffer.from(token, 'base64');
    expect(raw).toHaveLength(48);
    expect(raw[15]).toBe(0xa5);
    expect(raw[39]).toBe(0x3c);
    expect(raw[16]).toBe(0x73 ^ 0xa5);
    expect(raw[40]).toBe(0x01 ^ 0x3c);
    expect(raw[20]).toBe(0x04 ^ 0xa5); // little-endian timestamp
    expect(raw.readUInt32LE(44)).toBe(crc32Ieee(Buffer.from('^j>WD3Kr?J2gLFjD4W2y@'), raw.subarray(0, 44)));
    const decoded = decodeKEcToken(token);
    expect(decoded.publicBlob.equals(FIXED_BLOB)).toBe(true);
    expect(decoded.timestamp).toBe(0x01020304);
  });

  it('truncates millisecond timestamps to 32 bits as the Go clients do', () => {
    const ms = 1_700_000_000_123;
    expect(decodeKEcToken(encodeKEcToken(FIXED_BLOB, ms)).timestamp).toBe(ms % 2 ** 32);
  });

  it('rejects a corrupted or short token', () => {
    const raw = Buffer.from(encodeKEcToken(FIXED_BLOB, 42, [1, 2]), 'base64');
    for (const i of [0, 15, 23, 30, 39, 44, 47]) {
      const bad = Buffer.from(raw);
      bad[i]! ^= 0x40;
      expect(() => decodeKEcToken(bad.toString('base64')), `byte ${i}`).toThrow(KEcError);
    }
    expect(() => decodeKEcToken(raw.subarray(0, 45).toString('base64'))).toThrow(KEcError);
    expect(() => encodeKEcToken(FIXED_BLOB.subarray(1), 0)).toThrow(KEcError);
  });
});

describe('k_ec keys', () => {
  it("is consistent with p115cipher's fixed pair: IV[0:4] = key[12:16], one 28-byte secret", () => {
    expect(FIXED_IV.subarray(0, 4).equals(FIXED_KEY.subarray(12, 16))).toBe(true);
    const secret = Buffer.concat([FIXED_KEY, FIXED_IV.subarray(4)]);
    const cipher = kEcCipherFromSecret(secret);
    expect(cipher.key.equals(FIXED_KEY)).toBe(true);
    expect(cipher.iv.equals(FIXED_IV)).toBe(true);
    // The blob is 0x1d ‖ a compressed point that lies on P-224.
    expect(FIXED_BLOB[0]).toBe(0x1d);
    expect(ECDH.convertKey(FIXED_BLOB.subarray(1), 'secp224r1', undefined, undefined, 'uncompressed')).toHaveLength(57);
  });

  it("agrees with 115's real public key (it is a P-224 point) and lays out the blob", () => {
    expect(P115_EC_SERVER_PUBLIC_KEY).toHaveLength(57);
    const client = createKEcClient();
    expect(client.publicBlob).toHaveLength(30);
    expect(client.publicBlob[0]).toBe(0x1d);
    expect([2, 3]).toContain(client.publicBlob[1]);
    expect(client.iv.subarray(0, 4).equals(client.key.subarray(12, 16))).toBe(true);
  });

  it('derives the same cipher on both sides; the secret is the X coordinate', () => {
    const server = kEcServerKeyPair(SERVER_PRIV);
    const client = createKEcClient(server.publicKey, CLIENT_PRIV);
    const serverSide = kEcServerCipher(server.privateKey, decodeKEcToken(encodeKEcToken(client.publicBlob, 1)).publicBlob);
    expect(serverSide).toEqual({ key: client.key, iv: client.iv });
    // Independently: node's ECDH secret on P-224 is the 28-byte X coordinate; key/IV are its slices.
    const ecdh = createECDH('secp224r1');
    ecdh.setPrivateKey(CLIENT_PRIV);
    const secret = ecdh.computeSecret(server.publicKey);
    expect(secret).toHaveLength(28);
    expect(client.key.equals(secret.subarray(0, 16))).toBe(true);
    expect(client.iv.equals(secret.subarray(12, 28))).toBe(true);
  });

  it('rejects a server key that is not a curve point', () => {
    const bad = Buffer.from(P115_EC_SERVER_PUBLIC_KEY);
    bad[56]! ^= 1;
    expect(() => createKEcClient(bad)).toThrow(KEcError);
  });
});

describe('k_ec bodies', () => {
  const server = kEcServerKeyPair(SERVER_PRIV);
  const client = createKEcClient(server.publicKey, CLIENT_PRIV);
  const serverCipher = kEcServerCipher(server.privateKey, client.publicBlob);
  const salt = Buffer.from('^j>WD3Kr?J2gLFjD4W2y@');

  /** A reply assembled independently from the web notes' description of the format. */
  function replyOf(frames: Buffer[], size: number, mask: number): Buffer {
    const framed = Buffer.concat(frames.flatMap((b) => [Buffer.from([b.length & 0xff, b.length >> 8]), b]));
    const padded = Buffer.concat([framed, Buffer.alloc((16 - (framed.length % 16)) % 16)]);
    const c = createCipheriv('aes-128-cbc', client.key, client.iv).setAutoPadding(false);
    const trailer = Buffer.alloc(12);
    trailer.writeUInt32LE(size);
    for (let i = 0; i < 4; i++) trailer[i]! ^= mask;
    trailer[4] = 1;
    trailer[5] = 1;
    trailer[7] = mask;
    trailer.writeUInt32LE(crc32Ieee(salt, trailer.subarray(0, 8)), 8);
    return Buffer.concat([c.update(padded), c.final(), trailer]);
  }

  it('request: PKCS#7 as 115driver/p115cipher send it, and elevengo zero padding, both decrypt', () => {
    const form = 'appid=0&fileid=ABC&filename=a+b.txt&';
    const body = kEcEncryptRequest(client, form);
    expect(body.length % 16).toBe(0);
    const pkcs7 = createDecipheriv('aes-128-cbc', client.key, client.iv); // node's default padding is PKCS#7
    expect(Buffer.concat([pkcs7.update(body), pkcs7.final()]).toString()).toBe(form);
    expect(kEcDecryptRequest(serverCipher, body).toString()).toBe(form);
    const exact = 'x'.repeat(32);
    expect(kEcDecryptRequest(serverCipher, kEcEncryptRequest(client, exact)).toString()).toBe(exact);
    const zeroPadded = Buffer.concat([Buffer.from(form), Buffer.alloc(16 - (form.length % 16))]);
    const c = createCipheriv('aes-128-cbc', client.key, client.iv).setAutoPadding(false);
    expect(kEcDecryptRequest(serverCipher, Buffer.concat([c.update(zeroPadded), c.final()])).toString()).toBe(form);
    expect(() => kEcDecryptRequest(serverCipher, Buffer.alloc(15))).toThrow(KEcError);
  });

  it('reply: round-trips empty, small and multi-frame payloads', () => {
    for (const n of [0, 1, 100, K_EC_FRAME_MAX - 1, K_EC_FRAME_MAX, K_EC_FRAME_MAX + 1, 20_000]) {
      const plain = ramp(n);
      const body = kEcEncryptResponse(serverCipher, plain, 0x5a);
      expect((body.length - 12) % 16).toBe(0);
      expect(kEcDecryptResponse(client, body).equals(plain), `${n} bytes`).toBe(true);
    }
  });

  it('reply: what the server emits reads like 115driver/p115cipher read it (first frame, 0x2000 buffer)', () => {
    const json = '{"state":true,"statuscode":0,"status":2,"pickcode":"abc"}';
    const body = kEcEncryptResponse(serverCipher, json, 0x77);
    const cipherText = body.subarray(0, body.length - (body.length % 16));
    const plain = createDecipheriv('aes-128-cbc', client.key, client.iv).setAutoPadding(false);
    const framed = Buffer.concat([plain.update(cipherText), plain.final()]);
    const length = framed.readUInt16LE(0);
    expect(lz4BlockDecompress(framed.subarray(2, 2 + length), 0x2000).toString()).toBe(json);
    expect(framed.subarray(2 + length).every((b) => b === 0)).toBe(true); // zero padding, not PKCS#7
    const trailer = body.subarray(body.length - 12);
    expect(trailer[7]).toBe(0x77);
    expect([trailer[4], trailer[5]]).toEqual([1, 1]);
    expect(trailer.readUInt32LE(0) ^ 0x77777777).toBe(json.length);
  });

  it('reply: inflates compressed frames (real LZ4 with matches) assembled independently', () => {
    const json =
      '{"state":true,"statuscode":0,"statusmsg":"","status":2,"pickcode":"abcdefghijklmnopq","data":"abcabcabcabcabcabcabcabc"}';
    const realBlock = hex(
      'e17b227374617465223a747275652c0d00947573636f6465223a300f00746d7367223a22220f0092223a322c227069636b2700f20a22616263646566676869' +
        '6a6b6c6d6e6f7071222c22646174611b000e030050616263227d',
    );
    const second = lz4BlockEncodeLiterals(Buffer.from('<tail>'));
    expect(kEcDecryptResponse(client, replyOf([realBlock, second], json.length + 6, 0x13)).toString()).toBe(`${json}<tail>`);
  });

  it('reply: detects trailer corruption and size mismatches', () => {
    const good = kEcEncryptResponse(serverCipher, '{"ok":true}', 0x21);
    for (const i of [0, 3, 4, 7, 8, 11]) {
      const bad = Buffer.from(good);
      bad[bad.length - 12 + i]! ^= 0x01;
      expect(() => kEcDecryptResponse(client, bad), `trailer byte ${i}`).toThrow(/CRC/);
    }
    // A valid CRC over a wrong size: caught by the frame count, not trusted.
    const block = lz4BlockEncodeLiterals(Buffer.from('{"ok":true}'));
    expect(() => kEcDecryptResponse(client, replyOf([block], 12, 0))).toThrow(/trailer says 12/);
    expect(() => kEcDecryptResponse(client, replyOf([block], 10, 0))).toThrow(Lz4Error);
    expect(() => kEcDecryptResponse(client, replyOf([block], 1 << 20, 0))).toThrow(/more than/);
    expect(() => kEcDecryptResponse(client, good.subarray(1))).toThrow(KEcError);
    expect(() => kEcDecryptResponse(client, good.subarray(0, 11))).toThrow(KEcError);
  });

  it('reply: a garbled body or the wrong key fails loudly', () => {
    const good = kEcEncryptResponse(serverCipher, '{"state":true,"status":2}', 0);
    const garbled = Buffer.from(good);
    garbled[0]! ^= 0xff;
    expect(() => kEcDecryptResponse(client, garbled)).toThrow();
    const other = createKEcClient(server.publicKey, hex('33'.repeat(28)));
    expect(() => kEcDecryptResponse(other, good)).toThrow();
  });
});

describe('upload hashes', () => {
  it('preid is the upper-case SHA-1 of the first 128 KiB, or of the whole file below that', () => {
    const big = ramp(200 * 1024);
    expect(P115_PREID_BYTES).toBe(131072);
    expect(p115PreId(big)).toBe(sha1(big.subarray(0, 131072)).toUpperCase());
    expect(p115PreId(big.subarray(0, 131072))).toBe(p115PreId(big));
    expect(p115PreId(ramp(1000))).toBe(sha1(ramp(1000)).toUpperCase());
    expect(p115Sha1(Buffer.from('abc'))).toBe('A9993E364706816ABA3E25717850C26C9CD0D89D'); // FIPS 180 "abc"
  });

  it('parses sign_check ranges as inclusive (fixture values from web notes §4.3)', () => {
    expect(parseSignCheck('1-3')).toEqual({ start: 1, end: 3 });
    expect(signCheckReadRange(parseSignCheck('10-19'))).toEqual({ offset: 10, length: 10 });
    expect(signCheckReadRange(parseSignCheck('0-131071'))).toEqual({ offset: 0, length: 131072 });
    expect(signCheckReadRange(parseSignCheck('2392148-2392298'))).toEqual({ offset: 2392148, length: 151 });
    expect(parseSignCheck('5-5', 6)).toEqual({ start: 5, end: 5 });
  });

  it('rejects malformed or out-of-file ranges', () => {
    for (const s of ['', '1', '3-1', 'a-b', '1-2-3', '-1-2', '1 - 2', '99999999999999999-99999999999999999']) {
      expect(() => parseSignCheck(s), s).toThrow(SignCheckError);
    }
    expect(() => parseSignCheck('0-10', 10)).toThrow(SignCheckError);
  });

  it('sign_val hashes exactly the range, upper-case', () => {
    const data = ramp(5000);
    const range = parseSignCheck('10-19', data.length);
    const { offset, length } = signCheckReadRange(range);
    expect(p115SignVal(data.subarray(offset, offset + length), range)).toBe(sha1(data.subarray(10, 20)).toUpperCase());
    expect(() => p115SignVal(data.subarray(10, 19), range)).toThrow(SignCheckError);
  });
});

describe('upload sig, token and init form', () => {
  const input = {
    appVersion: '35.6.0.3',
    userId: '345678901',
    userKey: 'c9c6fa2c3b0e4c2ea1d3b9c8f7e6d5a4',
    fileName: 'a b/ü.txt',
    fileSize: 5000,
    fileId: sha1(ramp(5000)).toUpperCase(),
    cid: '2953180591234567890',
    t: 1_700_000_000_123,
  };

  // Step by step from the formulas of web notes §4.3 (115driver, elevengo internal/upload, p115cipher make_upload_payload).
  it('sig = upper SHA-1(userkey + lower SHA-1(userid + fileid + target + "0") + "000000")', () => {
    const target = 'U_1_2953180591234567890';
    expect(uploadTarget(input.cid)).toBe(target);
    const inner = sha1(`${input.userId}${input.fileId}${target}0`);
    const expected = sha1(`${input.userKey}${inner}000000`).toUpperCase();
    expect(uploadSig({ userId: input.userId, userKey: input.userKey, fileId: input.fileId, target })).toBe(expected);
  });

  it('token = lower MD5(salt + fileid + filesize + sign_key + sign_val + userid + t + lower MD5(userid) + appversion)', () => {
    const base = { fileId: input.fileId, fileSize: 5000, userId: input.userId, t: input.t, appVersion: input.appVersion };
    const first = md5(`Qclm8MGWUv59TnrR0XPg${input.fileId}5000${input.userId}1700000000123${md5(input.userId)}35.6.0.3`);
    expect(uploadToken({ ...base, signKey: '', signVal: '' })).toBe(first);
    const answer = md5(`Qclm8MGWUv59TnrR0XPg${input.fileId}5000KEYVAL${input.userId}1700000000123${md5(input.userId)}35.6.0.3`);
    expect(uploadToken({ ...base, signKey: 'KEY', signVal: 'VAL' })).toBe(answer);
  });

  it('builds the form sorted by name with empty fields dropped', () => {
    const fields = initUploadFields(input);
    expect(fields.map(([k]) => k)).toEqual(['appid', 'appversion', 'fileid', 'filename', 'filesize', 'sig', 't', 'target', 'token', 'topupload', 'userid']);
    const form = new URLSearchParams(encodeInitUploadForm(input));
    expect(form.get('filename')).toBe('a b/ü.txt');
    expect(form.get('target')).toBe('U_1_2953180591234567890');
    expect(form.get('t')).toBe('1700000000123');
    expect(form.get('appid')).toBe('0');
    expect(form.get('userkey')).toBeNull();

    const answer = new URLSearchParams(encodeInitUploadForm({ ...input, signKey: 'k1', signVal: 'V1', path: 'sub/dir' }));
    expect([...answer.keys()]).toEqual([
      'appid', 'appversion', 'fileid', 'filename', 'filesize', 'path', 'sig', 'sign_key', 'sign_val', 't', 'target', 'token', 'topupload', 'userid',
    ]);
    expect(answer.get('token')).toBe(
      uploadToken({ fileId: input.fileId, fileSize: 5000, signKey: 'k1', signVal: 'V1', userId: input.userId, t: input.t, appVersion: input.appVersion }),
    );
  });
});

describe('OSS V1 signing', () => {
  // Aliyun's documented example ("Include a V1 signature in the header"), also the signature test of
  // Apache libcloud's OSS driver: the expected signature is 26NBxoKdsyly4EDv6inkoDft/yA=.
  it("reproduces Aliyun's documented example", () => {
    const req = {
      verb: 'PUT',
      bucket: 'oss-example',
      object: 'nelson',
      headers: {
        'Content-MD5': 'ODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=',
        'Content-Type': 'text/html',
        Date: 'Thu, 17 Nov 2005 18:49:58 GMT',
        'X-OSS-Meta-Author': 'foo@bar.com',
        'X-OSS-Magic': 'abracadabra',
        Host: 'oss-example.oss-cn-hangzhou.aliyuncs.com',
      },
    };
    expect(ossStringToSign(req)).toBe(
      'PUT\nODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=\ntext/html\nThu, 17 Nov 2005 18:49:58 GMT\n' +
        'x-oss-magic:abracadabra\nx-oss-meta-author:foo@bar.com\n/oss-example/nelson',
    );
    expect(ossAuthorization('44CF9590006BF252F707', 'OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV', req)).toBe(
      'OSS 44CF9590006BF252F707:26NBxoKdsyly4EDv6inkoDft/yA=',
    );
  });

  it('sorts signed sub-resources and drops the rest', () => {
    expect(ossCanonicalResource('fhnfile', 'a/b.bin', { uploads: '', sequential: '' })).toBe('/fhnfile/a/b.bin?sequential&uploads');
    expect(ossCanonicalResource('fhnfile', 'o', { uploadId: 'U1', partNumber: '3', foo: 'bar' })).toBe('/fhnfile/o?partNumber=3&uploadId=U1');
    expect(ossCanonicalResource('fhnfile', 'o', { 'max-parts': '1000' })).toBe('/fhnfile/o');
  });

  it('takes x-oss-date for the date line when sent (ali-oss sends no Date), and signs x-oss-enable-sha1', () => {
    const req = {
      verb: 'POST',
      bucket: 'fhnfile',
      object: 'o',
      headers: { 'x-oss-date': 'Tue, 01 Dec 2026 14:00:00 GMT', date: 'ignored' },
      query: { uploads: '', sequential: '', 'x-oss-enable-sha1': '' },
    };
    expect(ossStringToSign(req)).toBe('POST\n\n\nTue, 01 Dec 2026 14:00:00 GMT\nx-oss-date:Tue, 01 Dec 2026 14:00:00 GMT\n/fhnfile/o?sequential&uploads&x-oss-enable-sha1');
  });

  it('signs an STS multipart part upload (independent HMAC over the hand-written string)', () => {
    const req = {
      verb: 'put',
      bucket: 'fhnfile',
      object: 'obj/key',
      headers: { date: 'Mon, 01 Jan 2024 00:00:00 GMT', 'Content-Type': 'application/octet-stream', 'x-oss-security-token': ' STS.tok ' },
      query: { partNumber: '1', uploadId: 'ABC' },
    };
    const sts = 'PUT\n\napplication/octet-stream\nMon, 01 Jan 2024 00:00:00 GMT\nx-oss-security-token:STS.tok\n/fhnfile/obj/key?partNumber=1&uploadId=ABC';
    expect(ossStringToSign(req)).toBe(sts);
    const auth = ossAuthorization('STS.id', 'secret', req);
    expect(auth).toBe(`OSS STS.id:${createHmac('sha1', 'secret').update(sts).digest('base64')}`);
    expect(parseOssAuthorization(auth)).toEqual({ accessKeyId: 'STS.id', signature: auth.slice('OSS STS.id:'.length) });
    expect(parseOssAuthorization('AWS a:b')).toBeUndefined();
  });

  it('encodes the callback headers as Base64 of the strings as issued', () => {
    const callback = '{"callbackUrl":"http://uplb.115.com/3.0/completeupload.php","callbackBody":"bucket=${bucket}&sha1=${sha1}"}';
    const callbackVar = '{"x:pick_code":"pc","x:target":"U_1_0","x:name":"ü"}';
    const headers = ossCallbackHeaders(callback, callbackVar);
    expect(headers['x-oss-callback']).toBe(Buffer.from(callback).toString('base64'));
    expect(decodeOssCallbackHeader(headers['x-oss-callback'])).toBe(callback);
    expect(decodeOssCallbackHeader(headers['x-oss-callback-var'])).toBe(callbackVar);
    expect(decodeOssCallbackHeader('not base64!')).toBeUndefined();
    expect(ossContentMd5(Buffer.from(''))).toBe('1B2M2Y8AsgTpgAmY7PhCfg==');
  });
});

describe('upload schemas', () => {
  // Callback strings in the shape of the captured fixture quoted in web notes §4.5.
  const callback =
    '{"callbackUrl":"http://uplb.115.com/3.0/completeupload.php","callbackBody":"bucket=${bucket}&object=${object}&size=${size}&sha1=${sha1}&pick_code=${x:pick_code}&user_id=${x:user_id}&behavior_type=${x:behavior_type}&source=${x:source}&target=${x:target}&task_uid=${x:task_uid}"}';
  const callbackVar = '{"x:pick_code":"abc","x:user_id":"1","x:behavior_type":"0","x:source":"100","x:target":"U_1_0","x:task_uid":"t"}';

  it('reads the three init outcomes', () => {
    const upload = initUpload115.parse({
      request: '',
      version: '4.0',
      status: 1,
      statuscode: 0,
      statusmsg: '',
      pickcode: 'abc',
      target: 'U_1_0',
      bucket: 'fhnfile',
      object: 'obj',
      callback: { callback, callback_var: callbackVar },
    });
    expect(upload.status).toBe(INIT_UPLOAD_STATUS.upload);
    expect(initUploadFailed(upload)).toBe(false);
    expect(ossCallbackSpec115.parse(JSON.parse(callback)).callbackUrl).toContain('completeupload.php');
    expect(ossCallbackVar115.parse(JSON.parse(callbackVar))['x:target']).toBe('U_1_0');

    const challenge = initUpload115.parse({ status: '7', statuscode: '701', sign_key: 'k', sign_check: '10-19', callback: '' });
    expect(challenge).toMatchObject({ status: INIT_UPLOAD_STATUS.challenge, statuscode: 701 });
    expect(initUploadFailed(challenge)).toBe(false);

    const done = initUpload115.parse({ status: 2, statuscode: 0, pickcode: 'p', fileid: 'ABC', callback: [] });
    expect(done.status).toBe(INIT_UPLOAD_STATUS.done);
    const badParameter = initUpload115.parse({ status: 4, statuscode: 402, statusmsg: 'fileid invalid' });
    expect(initUploadFailed(badParameter)).toBe(true);
  });

  it('reads a refusal, `"status": false`, as status refused (-1, as 115driver\'s BoolInt) and as a failure whatever its statuscode', () => {
    const refused = initUpload115.parse({ request: '/4.0/initupload.php', status: false, statuscode: 400, statusmsg: 'sig invalid' });
    expect(refused).toMatchObject({ status: INIT_UPLOAD_STATUS.refused, statusmsg: 'sig invalid' });
    expect(INIT_UPLOAD_STATUS.refused).toBe(-1);
    expect(initUploadFailed(refused)).toBe(true);
    expect(initUploadFailed(initUpload115.parse({ status: false, statuscode: 701, statusmsg: '' }))).toBe(true);
    expect(initUpload115.safeParse({ status: true, statuscode: 0 }).success).toBe(false);
  });

  it('reads upload info, STS tokens and the OSS endpoint', () => {
    expect(uploadInfo115.parse({ state: true, user_id: 345678901, userkey: 'k', size_limit: '5368709120' })).toMatchObject({
      user_id: '345678901',
      size_limit: 5368709120,
    });
    const token = getToken115.parse({
      StatusCode: '200',
      AccessKeyId: 'STS.id',
      AccessKeySecret: 's',
      SecurityToken: 't',
      Expiration: '2024-01-01T01:00:00Z',
    });
    expect(stsCredentials(token)).toEqual({ accessKeyId: 'STS.id', accessKeySecret: 's', securityToken: 't', expiresAt: Date.UTC(2024, 0, 1, 1) });
    expect(stsCredentials(getToken115.parse({ StatusCode: 403 }))).toBeUndefined();
    expect(getUploadInfo115.parse({ endpoint: 'http://oss-cn-shenzhen.aliyuncs.com', gettokenurl: 'http://uplb.115.com/3.0/gettoken.php' }).endpoint).toContain(
      'shenzhen',
    );
  });

  it("reads 115's callback JSON, numbers as strings or numbers", () => {
    const result = ossCallbackResult115.parse({
      state: true,
      message: '',
      data: { pick_code: 'pc', file_size: '5000', file_id: 2953180591234567890n.toString(), sha1: 'AB', aid: 1, file_name: 'a.txt', cid: 0, is_video: '0' },
    });
    expect(result.data).toMatchObject({ file_size: 5000, file_id: '2953180591234567890', cid: '0', is_video: 0 });
    expect(ossCallbackResult115.safeParse({ state: false, message: 'x' }).success).toBe(false);
  });
});
