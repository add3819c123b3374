import { Readable } from 'node:stream';
import type { Entry } from './entry.js';
import { TransientError } from './errors.js';
import type { ProviderThatCan } from './capabilities.js';
import type { UploadPart } from './provider.js';

/** Bytes one bandwidth grant covers, so a limit paces a large part smoothly. */
const GRANT = 1024 * 1024;

/**
 * Parts of a source that reads at any position (local disk). A part can be read straight into the
 * target's own buffer (`readInto`), with no intermediate chunk allocated and copied for every
 * megabyte, which is what keeps a large upload's memory flat and spares a copy of every byte; a
 * target that wants a stream gets one (`data`), made only when asked for.
 */
export class PositionalParts {
  constructor(
    private readonly src: ProviderThatCan<'readAt'>,
    private readonly entry: Entry,
    private readonly describe: string,
  ) {}

  /** The part [offset, offset + length); `onChunk` sees its bytes once `throttle` let them go. */
  part(index: number, offset: number, length: number, onChunk: (chunk: Buffer) => void, throttle?: (n: number) => Promise<void>): UploadPart {
    const read = async (at: number, target: Buffer): Promise<Buffer> => {
      await this.fill(at, target, throttle);
      onChunk(target);
      return target;
    };
    const { src, entry, describe } = this;
    let stream: Readable | undefined;
    // A target that wants a stream gets the part as the source streams it: one open per part.
    async function* streamed(): AsyncGenerator<Buffer> {
      let done = 0;
      for await (const chunk of await src.openRead(entry, { start: offset, end: offset + length })) {
        const bytes = (chunk as Buffer).subarray(0, length - done);
        await throttle?.(bytes.length);
        onChunk(bytes);
        yield bytes;
        done += bytes.length;
        if (done === length) return;
      }
      throw new TransientError(`${describe}: source ended ${length - done} bytes early`);
    }
    return {
      index,
      offset,
      length,
      get data() {
        stream ??= Readable.from(streamed(), { objectMode: false });
        return stream;
      },
      readInto: async (target) => {
        if (target.length < length) throw new RangeError(`readInto: a ${target.length}-byte buffer for a ${length}-byte part`);
        return read(offset, target.subarray(0, length));
      },
    };
  }

  /** Fills all of `target` with the source's bytes from `at`, paying the bandwidth limit as it goes. */
  private async fill(at: number, target: Buffer, throttle?: (n: number) => Promise<void>): Promise<void> {
    for (let done = 0; done < target.length; ) {
      const want = throttle ? Math.min(GRANT, target.length - done) : target.length - done;
      await throttle?.(want);
      const n = await this.src.readAt(this.entry, at + done, target.subarray(done, done + want));
      if (n === 0) throw new TransientError(`${this.describe}: source ended ${target.length - done} bytes early`);
      done += n;
    }
  }
}
