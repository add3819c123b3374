import { normalizeSha1 } from '@ferry/core';

/**
 * User metadata as rclone's s3 backend writes it (X-Amz-Meta-Mtime: seconds since the epoch with
 * a fraction), so buckets written by rclone and by Ferry read each other's times; the SHA-1 goes
 * beside it (X-Amz-Meta-Sha1, hex). The SDK lower-cases metadata names.
 */
const MTIME = 'mtime';
const SHA1 = 'sha1';

/**
 * Seconds and nanoseconds written apart: `(ms / 1000).toFixed(9)` goes through a float that
 * cannot hold ten digits of seconds and nine of fraction, and rclone, comparing to the
 * nanosecond, would see a different time. The fraction is rounded to the microsecond, the finest
 * a time in float milliseconds holds: a time set to the microsecond (utimes, most tools) reads
 * back exactly in rclone.
 */
function formatMtime(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  let nanos = Math.round((ms - seconds * 1000) * 1e3) * 1e3;
  let whole = seconds;
  if (nanos >= 1e9) {
    whole += 1;
    nanos -= 1e9;
  }
  return `${whole}.${String(nanos).padStart(9, '0')}`;
}

/** The time in ms from rclone's "seconds.fraction", read apart for the same reason. */
function parseMtime(raw: string): number | undefined {
  const m = /^(-?\d+)(?:\.(\d{1,9})\d*)?$/.exec(raw.trim());
  if (!m) return undefined;
  const fraction = (m[2] ?? '').padEnd(9, '0');
  return Number(m[1]) * 1000 + Number(fraction) / 1e6;
}

export function encodeMetadata(mtime: number | undefined, sha1: string | undefined): Record<string, string> {
  return {
    ...(mtime !== undefined ? { [MTIME]: formatMtime(mtime) } : {}),
    ...(sha1 ? { [SHA1]: sha1 } : {}),
  };
}

/** User metadata as the request headers that carry it. */
export function metadataHeaders(metadata: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) headers[`x-amz-meta-${name}`] = value;
  return headers;
}

/** The modification time in ms, from the metadata, else undefined. */
export function metadataMtime(metadata: Record<string, string> | undefined): number | undefined {
  const raw = metadata?.[MTIME];
  return raw === undefined ? undefined : parseMtime(raw);
}

/**
 * The SHA-1 from the metadata, else from S3's own SHA-1 checksum when it covers the whole object
 * (a single PutObject: a multipart one is a checksum of the parts' checksums, "...-N").
 */
export function storedSha1(metadata: Record<string, string> | undefined, checksumSha1: string | undefined): string | undefined {
  const listed = normalizeSha1(metadata?.[SHA1]);
  if (listed) return listed;
  if (!checksumSha1 || checksumSha1.includes('-')) return undefined;
  return normalizeSha1(Buffer.from(checksumSha1, 'base64').toString('hex'));
}

export function base64Sha1(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}
