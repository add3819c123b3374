import { mkdtempSync, promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import { IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { completeWritesBeforeAnswering } from './complete-writes.js';
import { pageListingsV2 } from './list-v2.js';

/**
 * An S3 server for tests and `ferry emulate s3`: s3rver, an independent implementation, not a
 * fake of our own. It checks the access key id but not V4 signatures, speaks path-style requests,
 * multipart uploads and ranged reads, and lacks ListParts, ListMultipartUploads,
 * AbortMultipartUpload, UploadPartCopy and additional checksums. Its listing is corrected where
 * it departs from S3 (`correctListing`), and ListObjectsV2 pages as S3 does (`pageListingsV2`); a
 * gate in front of it checks a PUT's SHA-1 checksum and answers injected errors (`answerFaults`).
 */
export interface S3EmulatorOptions {
  /** Bucket created at start. */
  bucket?: string;
  /** Folder holding the objects (a fresh temporary folder by default, removed on close). */
  directory?: string;
  /**
   * The most keys and common prefixes one ListObjectsV2 page holds, whatever max-keys asks (default
   * and at most 1000, as S3): a small one makes clients follow IsTruncated.
   */
  maxKeysPerPage?: number;
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
  /** The next requests (all of them, of any kind) are answered with this S3 error instead. */
  injectFault(fault: S3Fault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

/** An error S3 answers (its documented code and status), for `times` requests in a row. */
export interface S3Fault {
  /** SlowDown (503) to throttle, AccessDenied (403) to refuse, InternalError (500)... */
  code: string;
  status: number;
  /** Default 1. */
  times?: number;
}

/** s3rver's one built-in account; any secret passes its (unchecked) V4 signatures. */
const ACCESS_KEY = 'S3RVER';

export async function startS3Emulator(options: S3EmulatorOptions = {}): Promise<S3Emulator> {
  const bucket = options.bucket ?? 'ferry';
  const maxKeysPerPage = options.maxKeysPerPage ?? 1000;
  if (!Number.isInteger(maxKeysPerPage) || maxKeysPerPage < 1 || maxKeysPerPage > 1000) {
    throw new RangeError(`maxKeysPerPage must be a whole number from 1 to 1000, not ${maxKeysPerPage}`);
  }
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
  pageListingsV2(server, maxKeysPerPage);
  completeWritesBeforeAnswering(server);
  const faults = answerFaults(server);
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
    injectFault: (fault) => faults.push({ ...fault, times: fault.times ?? 1 }),
    clearFaults: () => {
      faults.length = 0;
    },
    async close() {
      await server.close();
      if (owned) await fs.rm(directory, { recursive: true, force: true });
    },
  };
}

/** S3's messages for the codes the gate answers (Amazon S3 API Reference, "Error responses"). */
const MESSAGES: Record<string, string> = {
  SlowDown: 'Please reduce your request rate.',
  AccessDenied: 'Access Denied',
  InternalError: 'We encountered an internal error. Please try again.',
};

/**
 * Puts a gate in front of s3rver's request handler: while a fault is armed, a request gets S3's
 * XML error (no body for HEAD, as S3 answers it) and never reaches s3rver; a PUT's SHA-1
 * checksum is checked as S3 checks it.
 */
function answerFaults(server: S3rver): Required<S3Fault>[] {
  const armed: Required<S3Fault>[] = [];
  const koa = server as unknown as { callback(): (req: IncomingMessage, res: ServerResponse) => void };
  const handler = koa.callback.bind(server);
  koa.callback = () => {
    const serve = handler();
    return (req, res) => {
      const fault = armed[0];
      if (fault) {
        if (--fault.times <= 0) armed.shift();
        req.resume();
        return answerError(req, res, fault.status, fault.code);
      }
      const sha1 = req.headers['x-amz-checksum-sha1'];
      if (req.method === 'PUT' && typeof sha1 === 'string') return void checkSha1(req, res, sha1, serve);
      serve(req, res);
    };
  };
  return armed;
}

function answerError(req: IncomingMessage, res: ServerResponse, status: number, code: string, message = MESSAGES[code] ?? code): void {
  const body =
    req.method === 'HEAD'
      ? ''
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>ferry-emulator</RequestId></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * S3 checks a PUT's `x-amz-checksum-sha1` against the bytes and refuses a mismatch with 400
 * BadDigest, storing nothing; s3rver ignores the header. The body is read here, checked, and
 * handed to s3rver as a request of its own.
 */
async function checkSha1(req: IncomingMessage, res: ServerResponse, expected: string, serve: (req: IncomingMessage, res: ServerResponse) => void): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  if (createHash('sha1').update(body).digest('base64') !== expected) {
    return answerError(req, res, 400, 'BadDigest', 'The SHA1 you specified did not match the calculated checksum.');
  }
  const replay = new IncomingMessage(req.socket);
  // `complete`: a message that ends incomplete counts as aborted and destroys the shared socket.
  Object.assign(replay, {
    complete: true,
    method: req.method,
    url: req.url,
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
  });
  replay.push(body);
  replay.push(null);
  serve(replay, res);
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
 * Two faults of s3rver 3.7.1's ListObjects (v1), corrected to what S3 documents, which every client
 * relies on: with a delimiter it prunes its walk below the first level, so a folder holding only
 * folders is missing from CommonPrefixes; and it walks directories in an order that is not the
 * keys', so a truncated answer could skip keys. Here the store walks flat and groups by the
 * delimiter itself, and answers every v1 listing in one page. ListObjectsV2 uses the flat walk and
 * pages itself (`pageListingsV2`).
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

export { s3EmulatorOptions, s3EmulatorRemote } from './remote-options.js';
export type { S3EmulatorEndpoints } from './remote-options.js';
