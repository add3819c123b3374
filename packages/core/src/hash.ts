import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import type { IHasher, createSHA1 as CreateSHA1 } from 'hash-wasm';

// hash-wasm's SHA-1-only build: the full bundle carries every algorithm's wasm and costs a
// noticeable share of the CLI's start-up.
const require = createRequire(import.meta.url);
const HASH_WASM_SHA1_PATH = require.resolve('hash-wasm/dist/sha1.umd.min.js');
const { createSHA1 } = require(HASH_WASM_SHA1_PATH) as { createSHA1: typeof CreateSHA1 };

/**
 * Instantiating the wasm costs a quarter of a millisecond, more than hashing a small file, so
 * closed hashers are kept for reuse.
 */
const idle: IHasher[] = [];
const MAX_IDLE = 16;

/** A SHA-1 whose state can be saved after every part and loaded by whoever resumes the file. */
export class Sha1 {
  private closed = false;
  private constructor(private readonly hasher: IHasher) {}

  static async create(savedState?: string): Promise<Sha1> {
    const hasher = idle.pop() ?? (await createSHA1());
    hasher.init();
    if (savedState) hasher.load(Buffer.from(savedState, 'base64'));
    return new Sha1(hasher);
  }

  update(chunk: Uint8Array): void {
    this.hasher.update(chunk);
  }

  /** Base64 of hash-wasm's state: small, JSON-friendly, enough to continue later. */
  save(): string {
    return Buffer.from(this.hasher.save()).toString('base64');
  }

  digest(): string {
    return this.hasher.digest('hex');
  }

  /** Returns the wasm instance to the pool; the hasher cannot be used afterwards. */

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (idle.length < MAX_IDLE) idle.push(this.hasher);
  }
}

export async function sha1OfStream(stream: Readable, onBytes?: (n: number) => void): Promise<string> {
  const hasher = await Sha1.create();
  try {
    for await (const chunk of stream) {
      hasher.update(chunk as Buffer);
      onBytes?.((chunk as Buffer).length);
    }
    return hasher.digest();
  } finally {
    hasher.close();
  }
}

async function sha1OfBuffer(data: Uint8Array): Promise<string> {
  const hasher = await Sha1.create();
  hasher.update(data);
  const digest = hasher.digest();
  hasher.close();
  return digest;
}

/** SHA-1 of bytes [start, end) of a file, read through the given range reader. */
export async function sha1OfRange(
  read: (start: number, end: number) => Promise<Buffer>,
  start: number,
  end: number,
): Promise<string> {
  return sha1OfBuffer(await read(start, end));
}
