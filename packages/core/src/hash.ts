import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { createSHA1, type IHasher } from 'hash-wasm';

/** A SHA-1 whose state can be saved after every part and loaded by whoever resumes the file. */
export class Sha1 {
  private constructor(private readonly hasher: IHasher) {}

  static async create(savedState?: string): Promise<Sha1> {
    const hasher = await createSHA1();
    hasher.init();
    if (savedState) hasher.load(Buffer.from(savedState, 'base64'));
    return new Sha1(hasher);
  }

  update(chunk: Uint8Array): void {
    this.hasher.update(chunk);
  }

  /** Base64 of hash-wasm's internal state: small, JSON-friendly, enough to continue later. */
  save(): string {
    return Buffer.from(this.hasher.save()).toString('base64');
  }

  digest(): string {
    return this.hasher.digest('hex');
  }
}

/** Feeds every byte that passes through into `hasher`, so the bytes are read once. */
export function hashingStream(hasher: Sha1, onBytes?: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      hasher.update(chunk);
      onBytes?.(chunk.length);
      done(null, chunk);
    },
  });
}

export async function sha1OfStream(stream: Readable, onBytes?: (n: number) => void): Promise<string> {
  const hasher = await Sha1.create();
  for await (const chunk of stream) {
    hasher.update(chunk as Buffer);
    onBytes?.((chunk as Buffer).length);
  }
  return hasher.digest();
}

export async function sha1OfBuffer(data: Uint8Array): Promise<string> {
  const hasher = await Sha1.create();
  hasher.update(data);
  return hasher.digest();
}

/** SHA-1 of bytes [start, end) of a file, read through the given range reader. */
export async function sha1OfRange(
  read: (start: number, end: number) => Promise<Buffer>,
  start: number,
  end: number,
): Promise<string> {
  return sha1OfBuffer(await read(start, end));
}
