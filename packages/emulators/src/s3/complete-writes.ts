import { createHash } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type S3rver from 's3rver';

interface StoredObject {
  bucket: string;
  key: string;
  content: Readable | Buffer;
  metadata: Record<string, string>;
}

interface FilesystemStore {
  getResourcePath(bucket: string, key: string | undefined, kind: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
  putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
  putPart(bucket: string, uploadId: string, partNumber: number, content: Readable): Promise<{ size: number; md5: string }>;
}

/**
 * s3rver 3.7.1 answers a PUT (object or part) once the body has passed its MD5 transform, not once
 * the file is written (`stores/filesystem.js` resolves on the transform's 'finish', or right after
 * `writeStream.end` for a buffer), so a HEAD or a CompleteMultipartUpload right after the answer
 * can read a file still being written: on a loaded machine a 3 MiB object was listed at 2 MiB.
 * S3 answers only once the object is stored. Both writes are replaced by the same steps with the
 * answer held until the file is complete.
 */
export function completeWritesBeforeAnswering(server: S3rver): void {
  const store = (server as unknown as { store: FilesystemStore }).store;
  const write = async (path: string, content: Readable | Buffer): Promise<{ size: number; md5: string }> => {
    await fs.mkdir(dirname(path), { recursive: true });
    const md5 = createHash('md5');
    let size = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        md5.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    await pipeline(Buffer.isBuffer(content) ? Readable.from([content]) : content, count, createWriteStream(path));
    return { size, md5: md5.digest('hex') };
  };
  store.putObject = async (object) => {
    const written = await write(store.getResourcePath(object.bucket, object.key, 'object'), object.content);
    await store.putMetadata(object.bucket, object.key, object.metadata, written.md5);
    return written;
  };
  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const partPath = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId, String(partNumber));
    const written = await write(partPath, content);
    await fs.writeFile(`${partPath}.md5`, written.md5);
    return written;
  };
}
