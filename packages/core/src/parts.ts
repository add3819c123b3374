import { Readable } from 'node:stream';
import { TransientError } from './errors.js';

/**
 * Cuts one source stream into consecutive part streams of exact lengths without buffering more
 * than the chunk in hand: each part pulls from the source only as fast as the target consumes.
 */
export class PartReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private leftover: Buffer | undefined;

  constructor(
    private readonly source: Readable,
    private readonly describe: string,
  ) {
    this.chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /**
   * A stream of exactly `length` bytes; `onChunk` sees every chunk as it leaves, once `throttle`
   * (the bandwidth limit) let it go.
   */
  part(length: number, onChunk: (chunk: Buffer) => void, throttle?: (n: number) => Promise<void>): Readable {
    const self = this;
    async function* take(): AsyncGenerator<Buffer> {
      let remaining = length;
      while (remaining > 0) {
        let chunk = self.leftover;
        self.leftover = undefined;
        if (!chunk) {
          const next = await self.chunks.next();
          if (next.done) throw new TransientError(`${self.describe}: source ended ${remaining} bytes early`);
          chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
        }
        if (chunk.length > remaining) {
          self.leftover = chunk.subarray(remaining);
          chunk = chunk.subarray(0, remaining);
        }
        remaining -= chunk.length;
        await throttle?.(chunk.length);
        onChunk(chunk);
        yield chunk;
      }
    }
    return Readable.from(take(), { objectMode: false });
  }

  destroy(): void {
    this.source.destroy();
  }
}
