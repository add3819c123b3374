import { randomBytes } from 'node:crypto';

/**
 * m115: the RSA + XOR envelope 115 puts around download-URL and offline-download payloads
 * (web notes §3.2). Pure functions over Buffers; the RSA maths is raw modular
 * exponentiation with BigInt because 115 uses hand-rolled PKCS#1-like blocks, not a standard
 * scheme node:crypto would accept.
 */

/** 115's real RSA-1024 modulus; the server holds the private exponent, clients only ever use e. */
export const M115_RSA_N_HEX =
  '8686980c0f5a24c4b9d43020cd2c22703ff3f450756529058b1cf88f09b86021' +
  '36477198a6e2683149659bd122c33592fdb5ad47944ad1ea4d36c6b172aad633' +
  '8c3bb6ac6227502d010993ac967d1aef00f0c8e038de2e4d3bc2ec368af2e9f1' +
  '0a6f1eda4f7262f136420c07c331b871bf139f74f3010e3c4fe57df3afb71683';
export const M115_RSA_E_HEX = '10001';

const KTS = Buffer.from(
  'f0e569aebfdcbf8a1a45e8be7da673b8de8fe7c445da86c49b648b146ab4f1aa3801359e26692c86006b4fa5363462a6' +
    '2a966818f24afdbd6b978f4d8f8913b76c8e93ed0e0d483ed72f88d8fefe7e8650954fd1eb832634db667b9c7e9d7a81' +
    '32eab633de3aa95934663baaba816048b9d5819cf86c8477ff5478265fbee81e369f34805c452c9b76d51b8fccc3b8f5',
  'hex',
);
const CLIENT_KEY = Buffer.from('7806ad4c33865d184c013f46', 'hex');

const BLOCK = 128;
const CHUNK = BLOCK - 11;

export interface RsaPublicKey {
  n: bigint;
  e: bigint;
}

export interface RsaPrivateKey extends RsaPublicKey {
  d: bigint;
}

export function rsaPublicKey(nHex: string = M115_RSA_N_HEX, eHex: string = M115_RSA_E_HEX): RsaPublicKey {
  return { n: BigInt(`0x${nHex.replace(/\s+/g, '')}`), e: BigInt(`0x${eHex}`) };
}

/** The XOR key of length n derived from a 16-byte seed. */
export function deriveKey(seed: Buffer, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = ((seed[i]! + KTS[n * i]!) & 0xff) ^ KTS[n * (n - 1 - i)]!;
  return out;
}

/** 115's XOR transform: the first (len mod 4) bytes use the key's head, then the key restarts. */
export function xorTransform(data: Buffer, key: Buffer): Buffer {
  const out = Buffer.from(data);
  const m = data.length % 4;
  for (let i = 0; i < m; i++) out[i]! ^= key[i]!;
  for (let i = m; i < data.length; i++) out[i]! ^= key[(i - m) % key.length]!;
  return out;
}

function reversed(data: Buffer): Buffer {
  return Buffer.from(data).reverse();
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

function toBlock(value: bigint): Buffer {
  const hex = value.toString(16).padStart(BLOCK * 2, '0');
  return Buffer.from(hex, 'hex');
}

function nonZeroBytes(n: number): Buffer {
  const out = randomBytes(n);
  for (let i = 0; i < n; i++) while (out[i] === 0) out[i] = randomBytes(1)[0]!;
  return out;
}

/** PKCS#1 v1.5-style blocks of `type` (2: random non-zero pad, 1: 0xff pad), each raised to exp mod n. */
function rsaBlocks(data: Buffer, type: 1 | 2, exp: bigint, n: bigint): Buffer {
  const blocks: Buffer[] = [];
  const count = Math.max(1, Math.ceil(data.length / CHUNK));
  for (let i = 0; i < count; i++) {
    const chunk = data.subarray(i * CHUNK, (i + 1) * CHUNK);
    const padLen = BLOCK - 3 - chunk.length;
    const pad = type === 2 ? nonZeroBytes(padLen) : Buffer.alloc(padLen, 0xff);
    const block = Buffer.concat([Buffer.from([0, type]), pad, Buffer.from([0]), chunk]);
    blocks.push(toBlock(modPow(BigInt(`0x${block.toString('hex')}`), exp, n)));
  }
  return Buffer.concat(blocks);
}

/** Inverts rsaBlocks: each block raised to exp, the padding up to the first 00 after byte 0 dropped. */
function unRsaBlocks(data: Buffer, exp: bigint, n: bigint): Buffer {
  if (data.length === 0 || data.length % BLOCK !== 0) throw new M115Error(`m115: ${data.length} bytes is not a whole number of RSA blocks`);
  const parts: Buffer[] = [];
  for (let off = 0; off < data.length; off += BLOCK) {
    const c = BigInt(`0x${data.subarray(off, off + BLOCK).toString('hex')}`);
    if (c >= n) throw new M115Error('m115: RSA block out of range for this key');
    const block = toBlock(modPow(c, exp, n));
    const sep = block.indexOf(0, 1);
    if (block[0] !== 0 || sep < 0) throw new M115Error('m115: bad RSA block padding (wrong key?)');
    parts.push(block.subarray(sep + 1));
  }
  return Buffer.concat(parts);
}

export class M115Error extends Error {}

export interface M115Request {
  /** Base64 for the form field `data`. */
  data: string;
  /** The client's 16-byte key; the reply is decoded with it. */
  key: Buffer;
}

/** Client side: encodes a JSON payload for a m115 route with the server's public key. */
export function m115EncodeRequest(plain: string | Buffer, pub: RsaPublicKey, key: Buffer = randomBytes(16)): M115Request {
  const text = typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain;
  const body = Buffer.concat([key, xorTransform(reversed(xorTransform(text, deriveKey(key, 4))), CLIENT_KEY)]);
  return { data: rsaBlocks(body, 2, pub.e, pub.n).toString('base64'), key };
}

/** Client side: decodes the `data` string of a m115 reply with the key the request used. */
export function m115DecodeResponse(data: string, key: Buffer, pub: RsaPublicKey): Buffer {
  const r = unRsaBlocks(Buffer.from(data, 'base64'), pub.e, pub.n);
  if (r.length < 16) throw new M115Error('m115: reply shorter than its key');
  const serverKey = r.subarray(0, 16);
  return xorTransform(reversed(xorTransform(r.subarray(16), deriveKey(serverKey, 12))), deriveKey(key, 4));
}

/** Server side: decodes a client's `data` field with the private key; returns the plain bytes and the client key. */
export function m115DecodeRequest(data: string, priv: RsaPrivateKey): { plain: Buffer; key: Buffer } {
  const body = unRsaBlocks(Buffer.from(data, 'base64'), priv.d, priv.n);
  if (body.length < 16) throw new M115Error('m115: request shorter than its key');
  const key = Buffer.from(body.subarray(0, 16));
  const plain = xorTransform(reversed(xorTransform(body.subarray(16), CLIENT_KEY)), deriveKey(key, 4));
  return { plain, key };
}

/** Server side: encodes a reply for the client that sent `clientKey`, signed with the private key. */
export function m115EncodeResponse(plain: string | Buffer, clientKey: Buffer, priv: RsaPrivateKey, serverKey: Buffer = randomBytes(16)): string {
  const text = typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain;
  const r = Buffer.concat([serverKey, xorTransform(reversed(xorTransform(text, deriveKey(clientKey, 4))), deriveKey(serverKey, 12))]);
  return rsaBlocks(r, 1, priv.d, priv.n).toString('base64');
}
