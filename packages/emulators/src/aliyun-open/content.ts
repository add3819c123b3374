import { createHash } from 'node:crypto';

/**
 * File bytes as the parts they arrived in: a 300 MiB upload is never copied into one buffer, and
 * ranges are served by slicing the parts that cover them.
 */
export class Content {
  readonly size: number;
  readonly sha1: string;

  constructor(readonly chunks: readonly Buffer[]) {
    this.size = chunks.reduce((n, c) => n + c.length, 0);
    const hash = createHash('sha1');
    for (const c of chunks) hash.update(c);
    // The service hands out upper-case hex (§4); clients compare case-insensitively.
    this.sha1 = hash.digest('hex').toUpperCase();
  }

  static of(data: Buffer): Content {
    return new Content(data.length ? [data] : []);
  }

  /** The chunks covering [start, end), sliced without copying. */
  *range(start: number, end: number): Generator<Buffer> {
    let offset = 0;
    for (const chunk of this.chunks) {
      const chunkEnd = offset + chunk.length;
      if (chunkEnd > start && offset < end) {
        yield chunk.subarray(Math.max(0, start - offset), Math.min(chunk.length, end - offset));
      }
      offset = chunkEnd;
      if (offset >= end) return;
    }
  }

  read(start: number, end: number): Buffer {
    return Buffer.concat([...this.range(start, end)]);
  }
}
