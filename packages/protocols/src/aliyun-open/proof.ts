import { createHash } from 'node:crypto';

/** Bytes a v1 proof covers: 8 at most, fewer at the tail of a file. */
const ALIYUN_PROOF_BYTES = 8;

/**
 * Where the v1 proof bytes sit in a file of `size` bytes for this access token: the first 16 hex
 * digits of MD5(token), read as an unsigned 64-bit integer, modulo the size. BigInt because the
 * value is often above 2^63, where signed or float parsing gives a different offset.
 */
export function aliyunProofRange(accessToken: string, size: number): { start: number; end: number } {
  if (size <= 0) return { start: 0, end: 0 };
  const digest = createHash('md5').update(accessToken, 'utf8').digest('hex');
  const start = Number(BigInt(`0x${digest.slice(0, 16)}`) % BigInt(size));
  return { start, end: Math.min(start + ALIYUN_PROOF_BYTES, size) };
}

/** The proof code sent to the server: standard base64 (padded) of the proof bytes; "" for an empty file. */
export function encodeAliyunProof(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** The v1 proof code of a whole file held in memory (the emulator's side of the check). */
export function aliyunProofCode(accessToken: string, data: Uint8Array): string {
  const { start, end } = aliyunProofRange(accessToken, data.length);
  return encodeAliyunProof(data.subarray(start, end));
}
