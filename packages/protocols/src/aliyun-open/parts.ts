/** The service declares at most this many parts per file. */
export const ALIYUN_MAX_PARTS = 10_000;
/** Every part but the last must hold at least this many bytes (OSS multipart rule). */
export const ALIYUN_MIN_PART_SIZE = 100 * 1024;
export const ALIYUN_MAX_PART_SIZE = 5 * 1024 * 1024 * 1024;
export const ALIYUN_DEFAULT_PART_SIZE = 20 * 1024 * 1024;

/**
 * The part size for a file: the preferred size (20 MiB unless configured), grown just enough that
 * 10,000 parts cover the file and kept inside the service's bounds.
 */
export function aliyunPartSize(size: number, preferred: number = ALIYUN_DEFAULT_PART_SIZE): number {
  const floor = Math.ceil(size / ALIYUN_MAX_PARTS);
  return Math.min(ALIYUN_MAX_PART_SIZE, Math.max(ALIYUN_MIN_PART_SIZE, preferred, floor));
}

/** Parts a file of `size` bytes needs at `partSize`; an empty file declares none. */
export function aliyunPartCount(size: number, partSize: number): number {
  return size === 0 ? 0 : Math.ceil(size / partSize);
}

/** `part_info_list` of a create or getUploadUrl call: numbers 1..n. */
export function aliyunPartNumbers(from: number, to: number): { part_number: number }[] {
  const out: { part_number: number }[] = [];
  for (let n = from; n <= to; n++) out.push({ part_number: n });
  return out;
}
