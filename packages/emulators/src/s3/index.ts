import { mkdtempSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/**
 * An S3 server for tests and `ferry emulate s3`: s3rver, an independent implementation, not a
 * fake of our own. It checks the access key id but not V4 signatures, speaks path-style requests,
 * multipart uploads and ranged reads, and lacks ListParts, ListMultipartUploads,
 * AbortMultipartUpload, UploadPartCopy and additional checksums. Its listing is corrected where
 * it departs from S3 (`correctListing`).
 */
export interface S3EmulatorOptions {
  /** Bucket created at start. */
  bucket?: string;
  /** Folder holding the objects (a fresh temporary folder by default, removed on close). */
  directory?: string;
}

export interface S3Emulator {
  endpoint: string;
  bucket: string;
  access_key_id: string;
  secret_access_key: string;
  region: string;
  /** Where s3rver keeps the objects. */
  directory: string;
  /**
   * Multipart uploads begun and neither completed nor aborted, with the part numbers each holds,
   * read from s3rver's store: it does not answer ListMultipartUploads or ListParts itself.
   */
  pendingUploads(): Promise<{ uploadId: string; key: string; parts: number[] }[]>;
  close(): Promise<void>;
}

/** s3rver's one built-in account; any secret passes its (unchecked) V4 signatures. */
const ACCESS_KEY = 'S3RVER';

export async function startS3Emulator(options: S3EmulatorOptions = {}): Promise<S3Emulator> {
  const bucket = options.bucket ?? 'ferry';
  const owned = options.directory === undefined;
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 'ferry-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  correctListing(server);
  const address = await server.run();
  const uploadsDir = join(directory, bucket, '._S3rver_uploads');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    access_key_id: ACCESS_KEY,
    secret_access_key: ACCESS_KEY,
    region: 'us-east-1',
    directory,
    async pendingUploads() {
      let ids: string[];
      try {
        ids = await fs.readdir(uploadsDir);
      } catch {
        return [];
      }
      return Promise.all(
        ids.map(async (uploadId) => {
          const files = await fs.readdir(join(uploadsDir, uploadId));
          const key = await fs.readFile(join(uploadsDir, uploadId, 'key'), 'utf8').catch(() => '');
          const parts = files.filter((f) => /^\d+$/.test(f)).map(Number).sort((a, b) => a - b);
          return { uploadId, key, parts };
        }),
      );
    },
    async close() {
      await server.close();
      if (owned) await fs.rm(directory, { recursive: true, force: true });
    },
  };
}

interface ListedObject {
  key: string;
}
interface Listing {
  objects: ListedObject[];
  commonPrefixes: string[];
  isTruncated: boolean;
}
interface ListOptions {
  delimiter?: string;
  prefix?: string;
  maxKeys?: number;
}
interface Store {
  listObjects(bucket: string, options: ListOptions): Promise<Listing>;
}

/**
 * Two faults of s3rver 3.7.1's ListObjects, corrected to what S3 documents, which every client
 * relies on: with a delimiter it prunes its walk below the first level, so a folder holding only
 * folders is missing from CommonPrefixes; and a truncated answer needs a DES continuation token,
 * which Node's OpenSSL 3 no longer offers (500 InternalError). Here the store walks flat and
 * groups by the delimiter itself, and answers every listing in one page.
 */
function correctListing(server: S3rver): void {
  const store = (server as unknown as { store: Store }).store;
  const walk = store.listObjects.bind(store);
  store.listObjects = async (bucket, options) => {
    const { delimiter = '', prefix = '' } = options;
    const all = await walk(bucket, { ...options, delimiter: '', maxKeys: Infinity });
    if (!delimiter) return { ...all, isTruncated: false };
    const prefixes = new Set<string>();
    const objects = all.objects.filter((o) => {
      const at = o.key.slice(prefix.length).indexOf(delimiter);
      if (at === -1) return true;
      prefixes.add(o.key.slice(0, prefix.length + at + delimiter.length));
      return false;
    });
    return { objects, commonPrefixes: [...prefixes].sort(), isTruncated: false };
  };
}

/** The one JSON line of `ferry emulate s3 --json`. */
export function formatS3EmulatorJson(emulator: S3Emulator): string {
  const { endpoint, bucket, access_key_id, secret_access_key, region } = emulator;
  return JSON.stringify({ endpoint, bucket, access_key_id, secret_access_key, region });
}

export { s3EmulatorOptions } from './remote-options.js';
export type { S3EmulatorEndpoints } from './remote-options.js';
