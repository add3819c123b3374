import { createCipheriv, createDecipheriv, createECDH, randomBytes } from 'node:crypto';
import { crc32Ieee } from './crc32.js';
import { lz4BlockDecompress, lz4BlockEncodeLiterals } from './lz4-block.js';

/**
 * k_ec: the ECDH + AES envelope of upload init and other proapi calls (web notes §4.4). The client
 * makes a P-224 key pair, agrees a secret with 115's public key, sends its public key inside the
 * `k_ec` query token and AES-encrypts the form; the reply is LZ4 block frames, AES-encrypted, plus a
 * 12-byte trailer. Both sides live here: the server side is what an emulator needs, with its own
 * key pair, since 115's private key is unknown.
 */
export class KEcError extends Error {
  override name = 'KEcError';
}

const CURVE = 'secp224r1';
/** 115's server public key, uncompressed SEC1 (04 ‖ X ‖ Y) [115driver, elevengo, p115client]. */
export const P115_EC_SERVER_PUBLIC_KEY = Buffer.from(
  '04' + '57a29257cd2320e5d6d143322fa4bb8a3cf9d3cc623ef5edac62b767' + '8a89c91a83ba800d6129f522d034c895dd2465243addc250953beeba',
  'hex',
);
const CRC_SALT = Buffer.from('^j>WD3Kr?J2gLFjD4W2y@', 'latin1');
const SECRET_BYTES = 28;
const BLOB_BYTES = 30;
const BLOB_TAG = 0x1d; // the length of the compressed point that follows
const TOKEN_BYTES = 48;
const TOKEN_BODY = 44;
const TOKEN_HALF = 24;
const TRAILER_BYTES = 12;
const BLOCK = 16;
/** What one frame may inflate to: p115cipher and 115driver decompress into a 0x2000-byte buffer. */
export const K_EC_FRAME_MAX = 8192;
/** LZ4's best case is ~255:1; a trailer claiming more than that of the body is corrupt, not a reason to allocate. */
const LZ4_MAX_RATIO = 255;

/** AES-128 key and IV of one k_ec session. */
export interface KEcCipher {
  key: Buffer;
  iv: Buffer;
}

/** The client's session: the cipher plus the 30-byte public blob that goes into the token. */
export interface KEcClient extends KEcCipher {
  publicBlob: Buffer;
}

/** A P-224 key pair as raw bytes: the private scalar and the uncompressed public point. */
export interface KEcKeyPair {
  privateKey: Buffer;
  publicKey: Buffer;
}

/** AES key = secret[0:16], IV = secret[12:28] (the last 16 bytes, as 115driver/elevengo slice it). */
export function kEcCipherFromSecret(secret: Buffer): KEcCipher {
  if (secret.length !== SECRET_BYTES) throw new KEcError(`k_ec: a P-224 secret is ${SECRET_BYTES} bytes, got ${secret.length}`);
  return { key: Buffer.from(secret.subarray(0, 16)), iv: Buffer.from(secret.subarray(SECRET_BYTES - 16)) };
}

function agree(privateKey: Buffer | undefined, peerPublicKey: Buffer): { secret: Buffer; compressed: Buffer } {
  const ecdh = createECDH(CURVE);
  if (privateKey) ecdh.setPrivateKey(privateKey);
  else ecdh.generateKeys();
  try {
    return { secret: ecdh.computeSecret(peerPublicKey), compressed: ecdh.getPublicKey(null, 'compressed') };
  } catch (err) {
    throw new KEcError(`k_ec: peer public key is not a P-224 point (${(err as Error).message})`);
  }
}

/**
 * Client side: a fresh key pair (or the given private scalar, for reproducible tests) agreed with
 * the server's public key, 115's by default.
 */
export function createKEcClient(serverPublicKey: Buffer = P115_EC_SERVER_PUBLIC_KEY, clientPrivateKey?: Buffer): KEcClient {
  const { secret, compressed } = agree(clientPrivateKey, serverPublicKey);
  return { publicBlob: Buffer.concat([Buffer.from([BLOB_TAG]), compressed]), ...kEcCipherFromSecret(secret) };
}

/** Server side: a key pair for an emulator (or the given private scalar). */
export function kEcServerKeyPair(privateKey?: Buffer): KEcKeyPair {
  const ecdh = createECDH(CURVE);
  if (privateKey) ecdh.setPrivateKey(privateKey);
  else ecdh.generateKeys();
  return { privateKey: ecdh.getPrivateKey(), publicKey: ecdh.getPublicKey() };
}

function checkBlob(blob: Buffer): void {
  if (blob.length !== BLOB_BYTES || blob[0] !== BLOB_TAG || (blob[1] !== 2 && blob[1] !== 3)) {
    throw new KEcError('k_ec: public blob is not 0x1d ‖ compressed P-224 point');
  }
}

/** Server side: the session cipher for the client whose blob came in the token. */
export function kEcServerCipher(serverPrivateKey: Buffer, clientPublicBlob: Buffer): KEcCipher {
  checkBlob(clientPublicBlob);
  return kEcCipherFromSecret(agree(serverPrivateKey, clientPublicBlob.subarray(1)).secret);
}

/**
 * The `k_ec` query token (48 bytes, standard Base64): blob[0:15], 0, 0x73 0 0 0, timestamp LE,
 * blob[15:30], 0, 0x01 0 0 0; bytes 0-23 XORed with r1 and 24-43 with r2 (so bytes 15 and 39 carry
 * the masks), then CRC-32 (LE) of salt ‖ bytes 0-43. The timestamp is truncated to 32 bits, which
 * is what the Go clients do with milliseconds.
 */
export function encodeKEcToken(publicBlob: Buffer, timestamp: number, masks: readonly [number, number] = [randomBytes(1)[0]!, randomBytes(1)[0]!]): string {
  checkBlob(publicBlob);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new KEcError(`k_ec: bad timestamp ${timestamp}`);
  const buf = Buffer.alloc(TOKEN_BYTES);
  publicBlob.copy(buf, 0, 0, 15);
  buf[16] = 0x73;
  buf.writeUInt32LE(timestamp % 2 ** 32, 20);
  publicBlob.copy(buf, TOKEN_HALF, 15, BLOB_BYTES);
  buf[40] = 0x01;
  const [r1, r2] = masks;
  for (let i = 0; i < TOKEN_BODY; i++) buf[i]! ^= (i < TOKEN_HALF ? r1 : r2) & 0xff;
  buf.writeUInt32LE(crc32Ieee(CRC_SALT, buf.subarray(0, TOKEN_BODY)), TOKEN_BODY);
  return buf.toString('base64');
}

/** A decoded token. */
export interface KEcToken {
  publicBlob: Buffer;
  /** Bytes 20-23: unix seconds or milliseconds mod 2^32, depending on the client. */
  timestamp: number;
  /** Bytes 16-19: 115 (0x73) in every public client (115driver, elevengo, p115cipher). */
  word16: number;
  /** Bytes 40-43: 1 in every public client (115driver, elevengo, p115cipher). */
  word40: number;
}

/**
 * Server side: checks the CRC and undoes the masks. The two words are returned, not judged: every
 * public client sends 115 and 1, and no source says what 115 does with other values.
 */
export function decodeKEcToken(token: string): KEcToken {
  const buf = Buffer.from(token, 'base64');
  if (buf.length !== TOKEN_BYTES) throw new KEcError(`k_ec: token is ${buf.length} bytes, expected ${TOKEN_BYTES}`);
  if (crc32Ieee(CRC_SALT, buf.subarray(0, TOKEN_BODY)) !== buf.readUInt32LE(TOKEN_BODY)) throw new KEcError('k_ec: token CRC mismatch');
  const r1 = buf[15]!;
  const r2 = buf[39]!;
  const plain = Buffer.from(buf.subarray(0, TOKEN_BODY));
  for (let i = 0; i < TOKEN_BODY; i++) plain[i]! ^= i < TOKEN_HALF ? r1 : r2;
  const publicBlob = Buffer.concat([plain.subarray(0, 15), plain.subarray(TOKEN_HALF, TOKEN_HALF + 15)]);
  checkBlob(publicBlob);
  return { publicBlob, timestamp: plain.readUInt32LE(20), word16: plain.readUInt32LE(16), word40: plain.readUInt32LE(40) };
}

function aes(decrypt: boolean, cipher: KEcCipher, data: Uint8Array, autoPadding: boolean): Buffer {
  const c = decrypt ? createDecipheriv('aes-128-cbc', cipher.key, cipher.iv) : createCipheriv('aes-128-cbc', cipher.key, cipher.iv);
  c.setAutoPadding(autoPadding);
  return Buffer.concat([c.update(data), c.final()]);
}

/** Client side: the request body, AES-128-CBC with PKCS#7 padding as 115driver and p115cipher send it. */
export function kEcEncryptRequest(cipher: KEcCipher, plain: string | Uint8Array): Buffer {
  return aes(false, cipher, typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain, true);
}

/**
 * Server side: decrypts a request body. Accepts PKCS#7 (115driver, p115cipher) and zero padding
 * (elevengo): a url-encoded form never ends in a byte 0x00-0x10, so the two cannot be confused.
 */
export function kEcDecryptRequest(cipher: KEcCipher, body: Uint8Array): Buffer {
  if (body.length === 0 || body.length % BLOCK !== 0) throw new KEcError(`k_ec: request body of ${body.length} bytes is not whole AES blocks`);
  const plain = aes(true, cipher, body, false);
  const pad = plain[plain.length - 1]!;
  if (pad >= 1 && pad <= BLOCK && plain.subarray(plain.length - pad).every((b) => b === pad)) return plain.subarray(0, plain.length - pad);
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  return plain.subarray(0, end);
}

/** Trailer bytes 8-11: CRC-32 of salt ‖ trailer bytes 0-7. */
function trailerCrc(trailer: Uint8Array): number {
  return crc32Ieee(CRC_SALT, trailer.subarray(0, 8));
}

/**
 * Client side: decodes a reply the way elevengo does. Trailer: bytes 0-3 = plain size (LE) XOR
 * byte 7 each, byte 4 = 1 if compressed, byte 5 = 1 if encrypted, bytes 8-11 = CRC. The body
 * (after AES-CBC, no padding removal) is LZ4 block frames, each a uint16 LE length and a block,
 * read until the declared size is reached or a zero length (the zero padding) comes.
 */
export function kEcDecryptResponse(cipher: KEcCipher, body: Uint8Array): Buffer {
  if (body.length < TRAILER_BYTES || (body.length - TRAILER_BYTES) % BLOCK !== 0) {
    throw new KEcError(`k_ec: reply of ${body.length} bytes is not whole AES blocks plus a ${TRAILER_BYTES}-byte trailer`);
  }
  const split = body.length - TRAILER_BYTES;
  const trailer = Buffer.from(body.subarray(split));
  if (trailerCrc(trailer) !== trailer.readUInt32LE(8)) throw new KEcError('k_ec: reply trailer CRC mismatch');
  for (let i = 0; i < 4; i++) trailer[i]! ^= trailer[7]!;
  const size = trailer.readUInt32LE(0);
  const compressed = trailer[4] === 1;
  const payload = trailer[5] === 1 ? aes(true, cipher, body.subarray(0, split), false) : Buffer.from(body.subarray(0, split));

  if (!compressed) {
    if (size > payload.length) throw new KEcError(`k_ec: trailer claims ${size} bytes, body holds ${payload.length}`);
    return payload.subarray(0, size);
  }
  if (size > payload.length * LZ4_MAX_RATIO) throw new KEcError(`k_ec: trailer claims ${size} bytes, more than ${payload.length} compressed bytes can hold`);
  const parts: Buffer[] = [];
  let written = 0;
  let pos = 0;
  while (written < size && payload.length - pos >= 2) {
    const length = payload.readUInt16LE(pos);
    pos += 2;
    if (length === 0) break;
    if (length > payload.length - pos) throw new KEcError(`k_ec: frame of ${length} bytes overruns the body`);
    const part = lz4BlockDecompress(payload.subarray(pos, pos + length), size - written);
    parts.push(part);
    written += part.length;
    pos += length;
  }
  if (written !== size) throw new KEcError(`k_ec: frames inflate to ${written} bytes, trailer says ${size}`);
  return Buffer.concat(parts, size);
}

/**
 * Server side: encodes a reply as 115 does: literal-only LZ4 frames of at most K_EC_FRAME_MAX
 * plain bytes, zero padding (PKCS#7 with a full pad block breaks p115cipher's decoder), AES-CBC,
 * then the trailer with the compressed and encrypted flags set. `sizeMask` is trailer byte 7.
 */
export function kEcEncryptResponse(cipher: KEcCipher, plain: string | Uint8Array, sizeMask: number = randomBytes(1)[0]!): Buffer {
  const data = typeof plain === 'string' ? Buffer.from(plain, 'utf8') : Buffer.from(plain);
  const frames: Buffer[] = [];
  // At least one frame, so an empty reply is still a valid (empty) block rather than no body at all.
  for (let off = 0; off === 0 || off < data.length; off += K_EC_FRAME_MAX) {
    const block = lz4BlockEncodeLiterals(data.subarray(off, off + K_EC_FRAME_MAX));
    const head = Buffer.alloc(2);
    head.writeUInt16LE(block.length);
    frames.push(head, block);
  }
  const framed = Buffer.concat(frames);
  const padded = Buffer.concat([framed, Buffer.alloc((BLOCK - (framed.length % BLOCK)) % BLOCK)]);
  const trailer = Buffer.alloc(TRAILER_BYTES);
  trailer.writeUInt32LE(data.length, 0);
  const mask = sizeMask & 0xff;
  for (let i = 0; i < 4; i++) trailer[i]! ^= mask;
  trailer[4] = 1;
  trailer[5] = 1;
  trailer[7] = mask;
  trailer.writeUInt32LE(trailerCrc(trailer), 8);
  return Buffer.concat([aes(false, cipher, padded, false), trailer]);
}
