import { z } from 'zod';
import { byteSize } from '@ferry/core';

/** S3's smallest part (all but the last) and its most parts per upload. */
const S3_MIN_PART_SIZE = 5 * 1024 * 1024;
export const S3_MAX_PARTS = 10_000;
/** CopyObject's largest source. */
export const S3_MAX_COPY_SIZE = 5 * 1024 * 1024 * 1024;
/** rclone's default `--s3-copy-cutoff` (`maxSizeForCopy`, 4768 MiB), under CopyObject's limit. */
const S3_DEFAULT_COPY_CUTOFF = 4768 * 1024 * 1024;

export const s3Options = z.object({
  endpoint: z
    .string()
    .default('')
    .describe('S3 API URL (https://<account>.r2.cloudflarestorage.com, https://s3.<region>.backblazeb2.com, a MinIO); empty = AWS'),
  region: z.string().default('us-east-1').describe('Region the bucket lives in (R2: auto)'),
  bucket: z.string().min(1).describe('Bucket name'),
  prefix: z.string().default('').describe('Folder inside the bucket that this remote shows as "/" (empty = the whole bucket)'),
  access_key_id: z.string().default('').describe('Access key id; empty = the SDK credential chain (AWS_ACCESS_KEY_ID, ~/.aws/credentials, ...)'),
  secret_access_key: z.string().default('').describe('Secret access key (with access_key_id)'),
  session_token: z.string().default('').describe('Session token of temporary credentials'),
  force_path_style: z
    .boolean()
    .default(false)
    .describe('Address the bucket as ENDPOINT/BUCKET instead of BUCKET.ENDPOINT (MinIO and most self-hosted servers need true)'),
  storage_class: z.string().default('').describe('Storage class of uploaded objects (STANDARD_IA, GLACIER_IR, ...); empty = the bucket default'),
  part_size: byteSize()
    .min(S3_MIN_PART_SIZE)
    .default(8 * 1024 * 1024)
    .describe('Multipart part size in bytes (8M, 64M, ...; files up to it go in one PutObject); grown so 10,000 parts cover the file'),
  copy_cutoff: byteSize()
    .min(S3_MIN_PART_SIZE)
    .max(S3_MAX_COPY_SIZE)
    .default(S3_DEFAULT_COPY_CUTOFF)
    .describe('Server-side copies of bigger files go in ranges of this many bytes (UploadPartCopy); smaller ones in one CopyObject'),
  upload_concurrency: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(4)
    .describe('Parts of one file uploaded at once (each held in memory: part_size x this per file)'),
});

export type S3Options = z.infer<typeof s3Options>;
