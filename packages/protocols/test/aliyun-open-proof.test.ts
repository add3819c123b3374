import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aliyunPartSize, ALIYUN_DEFAULT_PART_SIZE, ALIYUN_MAX_PARTS, aliyunPartCount, aliyunPreHash, aliyunProofCode, aliyunProofRange } from '../src/index.js';

/** Byte i = i mod 251, the file shape of the aliyun notes' worked example (§8.3). */
function ramp(n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = i % 251;
  return out;
}

const TOKEN = 'test-access-token';

describe('aliyun-open proof code v1', () => {
  it('reads the MD5 prefix as an unsigned 64-bit offset (value above 2^63)', () => {
    expect(createHash('md5').update(TOKEN).digest('hex')).toBe('c47c598d9b3d8a7695818ec4a60fb9f2');
    expect(BigInt('0xc47c598d9b3d8a76')).toBe(14158289793275759222n);
    expect(aliyunProofRange(TOKEN, 1000)).toEqual({ start: 222, end: 230 });
    expect(aliyunProofRange(TOKEN, 5000)).toEqual({ start: 4222, end: 4230 });
  });

  it('matches the known-answer vectors', () => {
    expect(aliyunProofCode(TOKEN, ramp(1000))).toBe('3t/g4eLj5OU=');
    expect(aliyunProofCode(TOKEN, ramp(5000))).toBe('zs/Q0dLT1NU=');
  });

  it('clamps the range at the tail and gives "" for an empty file', () => {
    expect(aliyunProofRange(TOKEN, 3)).toEqual({ start: 2, end: 3 });
    expect(aliyunProofCode(TOKEN, Buffer.from([0, 1, 2]))).toBe('Ag==');
    expect(aliyunProofCode(TOKEN, Buffer.alloc(0))).toBe('');
  });

  it('depends on the token', () => {
    expect(aliyunProofCode('another-token', ramp(5000))).not.toBe(aliyunProofCode(TOKEN, ramp(5000)));
  });
});

describe('aliyun-open pre_hash', () => {
  it('is the SHA-1 of the first KiB', () => {
    expect(aliyunPreHash(ramp(5000).subarray(0, 1024))).toBe('0ac28084ff74933d05123496dafd3791684d9b53');
    expect(aliyunPreHash(ramp(5000))).toBe('0ac28084ff74933d05123496dafd3791684d9b53');
    expect(createHash('sha1').update(ramp(5000)).digest('hex')).toBe('e6937aa016bc06eda81d3b227fffde825d881ce5');
  });

  it('is the whole-file SHA-1 below a KiB', () => {
    expect(aliyunPreHash(ramp(1000))).toBe('c9c960a0b925474fab83942cc27d504fc24ac37b');
  });
});

describe('aliyun-open part size', () => {
  it('defaults to 20 MiB', () => {
    expect(aliyunPartSize(300 * 1024 * 1024)).toBe(ALIYUN_DEFAULT_PART_SIZE);
    expect(aliyunPartCount(300 * 1024 * 1024, ALIYUN_DEFAULT_PART_SIZE)).toBe(15);
    expect(aliyunPartCount(0, ALIYUN_DEFAULT_PART_SIZE)).toBe(0);
  });

  it('grows so 10,000 parts cover the file', () => {
    const size = 1024 ** 4; // 1 TiB
    const part = aliyunPartSize(size);
    expect(part).toBeGreaterThan(ALIYUN_DEFAULT_PART_SIZE);
    expect(aliyunPartCount(size, part)).toBeLessThanOrEqual(ALIYUN_MAX_PARTS);
    expect(aliyunPartCount(size + 1, aliyunPartSize(size + 1))).toBeLessThanOrEqual(ALIYUN_MAX_PARTS);
  });

  it('keeps a configured size above the 100 KB minimum', () => {
    expect(aliyunPartSize(10_000_000, 1000)).toBe(100 * 1024);
    expect(aliyunPartSize(10_000_000, 1024 * 1024)).toBe(1024 * 1024);
  });
});
