import { createHash } from 'node:crypto';

/** pre_hash covers the first 1024 bytes, or the whole file when it is shorter. */
export const ALIYUN_PRE_HASH_BYTES = 1024;

/** Lower-case hex SHA-1 of the bytes given, which the caller cut to the first KiB. */
export function aliyunPreHash(head: Uint8Array): string {
  return createHash('sha1').update(head.subarray(0, ALIYUN_PRE_HASH_BYTES)).digest('hex');
}
