import type { S3Client, StorageClass } from '@aws-sdk/client-s3';
import { isUnsupported } from './errors.js';
import { S3_MAX_PARTS } from './options.js';
import type { S3Sdk } from './sdk.js';
import { copySource } from './upload.js';

/** One object's copy inside the service, in ranges: what CopyObject cannot do past 5 GiB. */
export interface PartCopy {
  client: S3Client;
  sdk: S3Sdk;
  bucket: string;
  key: string;
  sourceBucket: string;
  sourceKey: string;
  size: number;
  /** Bytes per copied range; grown so 10,000 ranges cover the object. */
  chunkSize: number;
  concurrency: number;
  /** Multipart copies do not carry the source's metadata over: it is given again here. */
  metadata: Record<string, string>;
  contentType?: string;
  storageClass: string;
}

/** The server refused UploadPartCopy as not implemented (s3rver): the caller streams instead. */
export class PartCopyUnsupported extends Error {
  constructor(cause: unknown) {
    super('the server does not implement UploadPartCopy', { cause });
  }
}

/** The ranges, as S3's inclusive `bytes=a-b`, that cover `size` in chunks of at least `chunkSize`. */
export function copyRanges(size: number, chunkSize: number): string[] {
  const mib = 1024 * 1024;
  const chunk = Math.max(chunkSize, Math.ceil(size / S3_MAX_PARTS / mib) * mib);
  const ranges: string[] = [];
  for (let at = 0; at < size; at += chunk) ranges.push(`bytes=${at}-${Math.min(size, at + chunk) - 1}`);
  return ranges;
}

/**
 * CreateMultipartUpload, one UploadPartCopy per range, CompleteMultipartUpload; any failure
 * aborts the upload, so nothing half-copied stays behind and the key keeps what it held.
 */
export async function copyInParts(copy: PartCopy): Promise<void> {
  const { client, sdk, bucket, key } = copy;
  const created = await client.send(
    new sdk.CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      Metadata: copy.metadata,
      ...(copy.contentType ? { ContentType: copy.contentType } : {}),
      ...(copy.storageClass ? { StorageClass: copy.storageClass as StorageClass } : {}),
    }),
  );
  const uploadId = created.UploadId!;
  const ranges = copyRanges(copy.size, copy.chunkSize);
  const parts: { PartNumber: number; ETag: string }[] = [];
  let next = 0;
  let failed = false;
  // A few ranges in flight; after a failure the others stop taking new ones.
  const copyNext = async (): Promise<void> => {
    while (!failed && next < ranges.length) {
      const n = ++next;
      try {
        const answer = await client.send(
          new sdk.UploadPartCopyCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: n,
            CopySource: copySource(copy.sourceBucket, copy.sourceKey),
            CopySourceRange: ranges[n - 1],
          }),
        );
        parts.push({ PartNumber: n, ETag: answer.CopyPartResult?.ETag ?? '' });
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  try {
    const workers = Array.from({ length: Math.min(copy.concurrency, ranges.length) }, copyNext);
    const settled = await Promise.allSettled(workers);
    const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (rejected) throw rejected.reason;
    parts.sort((a, b) => a.PartNumber - b.PartNumber);
    await client.send(new sdk.CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
  } catch (err) {
    await client.send(new sdk.AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => {});
    if (isUnsupported(err)) throw new PartCopyUnsupported(err);
    throw err;
  }
}
