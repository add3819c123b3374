import { createHash } from 'node:crypto';

/**
 * The hashes of 115's upload init (web notes §4.2): all SHA-1, all upper-case hex, because 115
 * compares them as sent and every client upper-cases them.
 */
export class SignCheckError extends Error {
  override name = 'SignCheckError';
}

/** preid covers the first 128 KiB, or the whole file when it is shorter. */
export const P115_PREID_BYTES = 128 * 1024;

/** Upper-case hex SHA-1: `fileid` of a file held in memory. */
export function p115Sha1(data: Uint8Array): string {
  return createHash('sha1').update(data).digest('hex').toUpperCase();
}

/** `preid` from the bytes given; the caller may pass just the head or the whole file. */
export function p115PreId(head: Uint8Array): string {
  return p115Sha1(head.subarray(0, P115_PREID_BYTES));
}

/** A `sign_check` range: both ends inclusive, as in "10-19" (ten bytes). */
export interface SignCheckRange {
  start: number;
  end: number;
}

/**
 * Parses the challenge's `sign_check`. With the file size the range must also lie inside the file:
 * hashing a short read would give a sign_val the server rejects with a confusing 702.
 */
export function parseSignCheck(value: string, fileSize?: number): SignCheckRange {
  const m = /^(\d+)-(\d+)$/.exec(value.trim());
  if (!m) throw new SignCheckError(`sign_check "${value}" is not "start-end"`);
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) throw new SignCheckError(`sign_check "${value}" is out of range`);
  if (start > end) throw new SignCheckError(`sign_check "${value}" ends before it starts`);
  if (fileSize !== undefined && end >= fileSize) throw new SignCheckError(`sign_check "${value}" runs past the ${fileSize}-byte file`);
  return { start, end };
}

/** The bytes to read for a range: `length` is end - start + 1 because both ends are inclusive. */
export function signCheckReadRange(range: SignCheckRange): { offset: number; length: number } {
  return { offset: range.start, length: range.end - range.start + 1 };
}

/** `sign_val` of the bytes read for `range`; a slice of the wrong length (a short read) is an error. */
export function p115SignVal(slice: Uint8Array, range: SignCheckRange): string {
  const { length } = signCheckReadRange(range);
  if (slice.length !== length) throw new SignCheckError(`sign_check ${range.start}-${range.end} needs ${length} bytes, got ${slice.length}`);
  return p115Sha1(slice);
}
