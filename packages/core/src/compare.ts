import type { Entry } from './entry.js';

/**
 * How "already there" is decided, as in rclone: by default the SHA-1 when both sides list one,
 * else size and modification time, and when the times differ or are unknown, a SHA-1 where one
 * can be had; `checksum` always decides by SHA-1; `size-only` trusts sizes.
 */
export type CompareMode = 'default' | 'checksum' | 'size-only';

/** Modification times are compared to the second: some file systems keep no more. */
const MTIME_TOLERANCE_MS = 1000;

export function sameByListing(src: Entry, dst: Entry, mode: CompareMode): boolean | 'need-hash' {
  if (src.size !== dst.size) return false;
  if (mode === 'size-only') return true;
  if (src.sha1 && dst.sha1) return src.sha1 === dst.sha1;
  if (mode === 'checksum') return 'need-hash';
  if (sameMtime(src, dst)) return true;
  return 'need-hash';
}

function sameMtime(src: Entry, dst: Entry): boolean {
  return src.mtime !== undefined && dst.mtime !== undefined && Math.abs(src.mtime - dst.mtime) < MTIME_TOLERANCE_MS;
}
