import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BandwidthLimit, IntegrityError, TransientError, transferFile } from '../src/index.js';
import { MemoryProvider } from '../src/testing/index.js';
import { memoryCheckpoint } from './memory-checkpoint.js';
import { failOnceAt } from './part-faults.js';

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');
const MiB = 1024 * 1024;


describe('parts read in place from a source that reads at a position', () => {
  for (const takesReadInto of [true, false]) {
    it(`lands every byte, hashed once, in a target that ${takesReadInto ? 'takes readInto' : 'reads the part stream'}`, async () => {
      const data = randomBytes(3 * MiB + 12345);
      const src = new MemoryProvider('src', { listSha1: true, readAt: true });
      const dst = new MemoryProvider('dst', { partSize: MiB, takesReadInto });
      src.put('/f.bin', data);
      const seen: number[] = [];
      const result = await transferFile(
        { src, srcEntry: await src.stat('/f.bin'), dst, dstPath: '/f.bin' },
        { onBytes: (n) => seen.push(n) },
      );
      expect(result).toMatchObject({ kind: 'copied', sha1: sha1(data) });
      expect(dst.files.get('/f.bin')?.data.equals(data)).toBe(true);
      // Read in place for a target that takes it, else streamed part by part; every byte once.
      expect(src.bytesReadAt).toBe(takesReadInto ? data.length : 0);
      expect(src.bytesRead).toBe(takesReadInto ? 0 : data.length);
      expect(seen.reduce((a, b) => a + b, 0)).toBe(data.length);
    });
  }

  it('fails on bytes that differ from the listed SHA-1 and leaves nothing', async () => {
    const src = new MemoryProvider('src', { listSha1: true, readAt: true });
    const dst = new MemoryProvider('dst', { partSize: MiB, takesReadInto: true });
    src.put('/f.bin', randomBytes(2 * MiB));
    src.fakeSha1.set('/f.bin', 'a'.repeat(40));
    await expect(transferFile({ src, srcEntry: await src.stat('/f.bin'), dst, dstPath: '/f.bin' })).rejects.toBeInstanceOf(IntegrityError);
    expect(dst.files.has('/f.bin')).toBe(false);
  });

  for (const takesReadInto of [true, false]) {
    it(`fails as temporary when the file is shorter than listed (${takesReadInto ? 'readInto' : 'part stream'})`, async () => {
      const src = new MemoryProvider('src', { readAt: true });
      const dst = new MemoryProvider('dst', { partSize: MiB, takesReadInto });
      src.put('/f.bin', randomBytes(MiB + 100));
      const entry = { ...(await src.stat('/f.bin')), size: 2 * MiB };
      const failure = transferFile({ src, srcEntry: entry, dst, dstPath: '/f.bin' });
      await expect(failure).rejects.toBeInstanceOf(TransientError);
      await expect(failure).rejects.toThrow(/source ended 1048476 bytes early/);
    });
  }

  it('resumes after a failed part from the checkpoint, reading only the rest', async () => {
    const data = randomBytes(4 * MiB);
    const src = new MemoryProvider('src', { listSha1: true, readAt: true });
    const dst = new MemoryProvider('dst', {
      partSize: MiB,
      takesReadInto: true,
      beforePart: failOnceAt(2),
    });
    src.put('/f.bin', data);
    const entry = await src.stat('/f.bin');
    const cp = memoryCheckpoint();
    await expect(transferFile({ src, srcEntry: entry, dst, dstPath: '/f.bin' }, { checkpoint: cp })).rejects.toBeInstanceOf(TransientError);
    expect(cp.current?.offset).toBe(2 * MiB);
    src.bytesReadAt = 0;
    const result = await transferFile({ src, srcEntry: entry, dst, dstPath: '/f.bin' }, { checkpoint: cp });
    expect(result).toMatchObject({ resumedFrom: 2 * MiB, sha1: sha1(data) });
    expect(src.bytesReadAt).toBe(2 * MiB);
    expect(dst.files.get('/f.bin')?.data.equals(data)).toBe(true);
  });

  it('pays a bandwidth limit for every byte read in place', async () => {
    const now = { t: 0 };
    const slept: number[] = [];
    const bandwidth = new BandwidthLimit('1M', { now: () => now.t, sleep: async (ms) => void (slept.push(ms), (now.t += ms)) });
    const src = new MemoryProvider('src', { readAt: true });
    const dst = new MemoryProvider('dst', { partSize: 2 * MiB, takesReadInto: true });
    src.put('/f.bin', randomBytes(3 * MiB));
    await transferFile({ src, srcEntry: await src.stat('/f.bin'), dst, dstPath: '/f.bin' }, { bandwidth });
    // 3 MiB at 1 MiB/s from an empty bucket: three seconds of waiting.
    expect(slept.reduce((a, b) => a + b, 0)).toBe(3000);
  });
});
