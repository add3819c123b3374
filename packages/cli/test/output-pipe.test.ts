import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { flushOut, writeOut } from '../src/output-pipe.js';

/** A stdout whose reader takes each chunk only when the test says so. */
function slowReader(highWaterMark: number) {
  const waiting: (() => void)[] = [];
  const taken: string[] = [];
  const out = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      waiting.push(() => {
        taken.push(chunk.toString());
        callback();
      });
    },
  });
  return { out, taken, takeAll: () => waiting.splice(0).forEach((take) => take()) };
}

/** Lets every already-due callback and promise run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('writeOut', () => {
  it('waits for the reader once more than a buffer is unread, so a long listing does not pile up', async () => {
    const { out, taken, takeAll } = slowReader(16);
    await writeOut('short\n', out);
    let written = false;
    const pending = writeOut('a line longer than the buffer\n', out).then(() => (written = true));
    await settle();
    expect(written).toBe(false);
    takeAll();
    await settle();
    takeAll();
    await pending;
    expect(taken.join('')).toBe('short\na line longer than the buffer\n');
  });

  it('rejects, rather than let the caller go on, when the write failed: the reader had left', async () => {
    // As a socket does: a failed write destroys the stream at once and reports the error a tick later.
    const out: Writable = new Writable({ write: () => out.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })) });
    const reported: unknown[] = [];
    out.on('error', (err) => reported.push(err));
    await expect(writeOut('x\n', out)).rejects.toThrow('write EPIPE');
    expect(reported).toHaveLength(1);
  });
});

describe('flushOut', () => {
  it('resolves only once everything written before it was taken', async () => {
    const { out, taken, takeAll } = slowReader(1024);
    out.write('plan line\n');
    let flushed = false;
    const pending = flushOut(out).then(() => (flushed = true));
    await settle();
    expect(flushed).toBe(false);
    takeAll();
    await settle();
    takeAll();
    await pending;
    expect(taken.join('')).toBe('plan line\n');
  });
});
