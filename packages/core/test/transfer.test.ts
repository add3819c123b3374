import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  IntegrityError,
  type Placement,
  type RapidResult,
  type RapidSource,
  TransientError,
  type UploadRequest,
  type UploadSession,
  type UploadState,
  transferFile,
} from '../src/index.js';
import { MemoryProvider } from '../src/testing/index.js';
import { memoryCheckpoint } from './memory-checkpoint.js';
import { failOnceAt } from './part-faults.js';

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');


describe('one-file transfer', () => {
  it('lands a rapid upload reading only proof bytes from the source', async () => {
    const data = randomBytes(5 * 1024 * 1024);
    const src = new MemoryProvider('src', { listSha1: true });
    const dst = new MemoryProvider('dst', { rapidUpload: true });
    src.put('/big.bin', data);
    dst.put('/elsewhere/same.bin', data);
    const result = await transferFile({ src, srcEntry: await src.stat('/big.bin'), dst, dstPath: '/in/big.bin' });
    expect(result.kind).toBe('rapid');
    expect(result.sourceBytesRead).toBeLessThanOrEqual(8);
    expect(src.bytesRead).toBe(0);
    expect(dst.files.get('/in/big.bin')?.data.equals(data)).toBe(true);
  });

  it('falls back to a streamed copy in parts on a rapid miss, checkpointing each part', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 100);
    const src = new MemoryProvider('src', { listSha1: true });
    const dst = new MemoryProvider('dst', { rapidUpload: true, partSize: 1024 * 1024 });
    src.put('/f.bin', data);
    const cp = memoryCheckpoint();
    let streamed = 0;
    const result = await transferFile(
      { src, srcEntry: await src.stat('/f.bin'), dst, dstPath: '/f.bin' },
      { checkpoint: cp, onBytes: (n) => (streamed += n) },
    );
    expect(result).toMatchObject({ kind: 'copied', sha1: sha1(data), resumedFrom: 0 });
    expect(streamed).toBe(data.length);
    expect(cp.saved.map((c) => c.offset)).toEqual([1, 2, 3].map((n) => n * 1024 * 1024).concat(data.length));
    expect(cp.current).toBeUndefined();
    expect(dst.files.get('/f.bin')?.data.equals(data)).toBe(true);
  });

  it('computes the SHA-1 first when the source lists none and the target can rapid upload', async () => {
    const data = randomBytes(100_000);
    const src = new MemoryProvider('src');
    const dst = new MemoryProvider('dst', { rapidUpload: true });
    src.put('/a', data);
    dst.put('/held', data);
    const result = await transferFile({ src, srcEntry: await src.stat('/a'), dst, dstPath: '/b' });
    expect(result.kind).toBe('rapid');
    expect(result.sha1).toBe(sha1(data));
  });

  it('removes the partial target and fails with IntegrityError when the bytes do not match the listed SHA-1', async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const src = new MemoryProvider('src', { listSha1: true });
    const dst = new MemoryProvider('dst');
    src.put('/f.bin', data);
    src.fakeSha1.set('/f.bin', '0'.repeat(40));
    const cp = memoryCheckpoint();
    await expect(
      transferFile({ src, srcEntry: await src.stat('/f.bin'), dst, dstPath: '/f.bin' }, { checkpoint: cp }),
    ).rejects.toBeInstanceOf(IntegrityError);
    expect(dst.files.has('/f.bin')).toBe(false);
    expect(cp.current).toBeUndefined();
  });

  it('resumes after a failed part from the last checkpoint, hashing each byte once', async () => {
    const data = randomBytes(4 * 1024 * 1024);
    const src = new MemoryProvider('src', { listSha1: true });
    const dst = new MemoryProvider('dst', {
      partSize: 1024 * 1024,
      beforePart: failOnceAt(2),
    });
    src.put('/f.bin', data);
    const entry = await src.stat('/f.bin');
    const cp = memoryCheckpoint();
    await expect(transferFile({ src, srcEntry: entry, dst, dstPath: '/f.bin' }, { checkpoint: cp })).rejects.toBeInstanceOf(
      TransientError,
    );
    expect(cp.current?.offset).toBe(2 * 1024 * 1024);
    src.bytesRead = 0;
    const result = await transferFile({ src, srcEntry: entry, dst, dstPath: '/f.bin' }, { checkpoint: cp });
    expect(result.resumedFrom).toBe(2 * 1024 * 1024);
    expect(src.bytesRead).toBe(2 * 1024 * 1024);
    expect(result.sha1).toBe(sha1(data));
    expect(dst.files.get('/f.bin')?.data.equals(data)).toBe(true);
  });

  it('checkpoints only the parts a session with parts in flight confirmed, and resumes from there', async () => {
    const data = randomBytes(4 * 1024 * 1024);
    const src = new MemoryProvider('src', { listSha1: true });
    const dst = new MemoryProvider('dst', {
      partSize: 1024 * 1024,
      inFlightParts: 1,
      beforePart: failOnceAt(3),
    });
    src.put('/f.bin', data);
    const entry = await src.stat('/f.bin');
    const cp = memoryCheckpoint();
    await expect(transferFile({ src, srcEntry: entry, dst, dstPath: '/f.bin' }, { checkpoint: cp })).rejects.toBeInstanceOf(
      TransientError,
    );
    // Three parts written, the third still in flight: the checkpoint claims two.
    expect(cp.current?.offset).toBe(2 * 1024 * 1024);
    const result = await transferFile({ src, srcEntry: entry, dst, dstPath: '/f.bin' }, { checkpoint: cp });
    expect(result.resumedFrom).toBe(2 * 1024 * 1024);
    expect(result.sha1).toBe(sha1(data));
    expect(dst.files.get('/f.bin')?.data.equals(data)).toBe(true);
  });

  it('hashes only when a listed SHA-1 or a verifying target will check the digest', async () => {
    const data = randomBytes(3 * 1024 * 1024);
    const src = new MemoryProvider('src');
    src.put('/f', data);
    const plain = new MemoryProvider('plain', { partSize: 1024 * 1024 });
    const unhashed = await transferFile({ src, srcEntry: await src.stat('/f'), dst: plain, dstPath: '/f' });
    expect(unhashed.sha1).toBeUndefined();
    const verifying = new MemoryProvider('verifying', { partSize: 1024 * 1024, needsSha1: true });
    const hashed = await transferFile({ src, srcEntry: await src.stat('/f'), dst: verifying, dstPath: '/f' });
    expect(hashed.sha1).toBe(sha1(data));
    expect(verifying.files.get('/f')?.data.equals(data)).toBe(true);
  });

  it('starts over when the source changed since the checkpoint', async () => {
    const src = new MemoryProvider('src', { listSha1: true });
    const dst = new MemoryProvider('dst', { partSize: 1024 });
    src.put('/f', randomBytes(4096), 1000);
    const cp = memoryCheckpoint();
    cp.current = { source: { size: 4096, mtime: 999, sha1: 'x' }, target: '/f', upload: { chunks: [] }, offset: 2048, hasher: '' };
    const result = await transferFile({ src, srcEntry: await src.stat('/f'), dst, dstPath: '/f' }, { checkpoint: cp });
    expect(result.resumedFrom).toBe(0);
  });
});

describe('resuming towards a rapid-capable target', () => {
  it('keeps the SHA-1 its missed rapid attempt computed, and hashes nothing twice on resume', async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const src = new MemoryProvider('src');
    src.put('/f.bin', data);
    const dst = new MemoryProvider('dst', {
      rapidUpload: true,
      needsSha1: true,
      partSize: 512 * 1024,
      beforePart: failOnceAt(1, 'part URL expired'),
    });
    // Same size, other bytes: a candidate, so the attempt needs the SHA-1, and misses.
    dst.put('/other.bin', randomBytes(data.length));
    const entry = await src.stat('/f.bin');
    const cp = memoryCheckpoint();
    await expect(transferFile({ src, srcEntry: entry, dst, dstPath: '/f.bin' }, { checkpoint: cp })).rejects.toThrow('part URL');
    expect(src.hashed).toBe(1);
    expect(cp.current).toMatchObject({ offset: 512 * 1024, sha1: sha1(data) });
    src.hashed = 0;
    const result = await transferFile({ src, srcEntry: entry, dst, dstPath: '/f.bin' }, { checkpoint: cp });
    expect(result).toMatchObject({ kind: 'copied', resumedFrom: 512 * 1024, sha1: sha1(data) });
    expect(src.hashed).toBe(0);
  });


  it('skips the rapid attempt and the SHA-1 pass, and continues from the checkpoint', async () => {
    const data = randomBytes(4 * 1024 * 1024);
    const src = new MemoryProvider('src');
    src.put('/f.bin', data);
    const dst = new MemoryProvider('dst', {
      rapidUpload: true,
      needsSha1: true,
      partSize: 1024 * 1024,
      beforePart: failOnceAt(2, 'part URL expired'),
    });
    const entry = await src.stat('/f.bin');
    const cp = memoryCheckpoint();
    await expect(transferFile({ src, srcEntry: entry, dst, dstPath: '/f.bin' }, { checkpoint: cp })).rejects.toThrow('part URL');
    // The target held nothing of this size, so the rapid attempt never needed the SHA-1: the
    // bytes were hashed on their way up, and the hasher state is in the checkpoint.
    expect(cp.current).toMatchObject({ offset: 2 * 1024 * 1024 });
    expect(cp.current?.sha1).toBeUndefined();
    expect(cp.current?.hasher).toBeDefined();
    src.bytesRead = 0;
    src.hashed = 0;
    const result = await transferFile({ src, srcEntry: entry, dst, dstPath: '/f.bin' }, { checkpoint: cp });
    expect(result).toMatchObject({ kind: 'copied', resumedFrom: 2 * 1024 * 1024, sha1: sha1(data) });
    expect(src.bytesRead).toBe(2 * 1024 * 1024);
    expect(src.hashed).toBe(0);
  });
});

/** A rapid target whose miss opens a session on the service, as 115's init and Aliyun's create do. */
class HandingOver extends MemoryProvider {
  opened = 0;
  readonly resumed: UploadState[] = [];
  readonly discarded: UploadState[] = [];

  override async tryRapidUpload(path: string, source: RapidSource, placement?: Placement): Promise<RapidResult> {
    const result = await super.tryRapidUpload(path, source, placement);
    if (result.status === 'hit') return result;
    this.opened++;
    return { ...result, handover: { session: this.opened, chunks: [] } };
  }

  override async beginUpload(path: string, request: UploadRequest): Promise<UploadSession> {
    if (request.resume) this.resumed.push(request.resume);
    return super.beginUpload(path, request);
  }

  async discardRapidMiss(handover: UploadState): Promise<void> {
    this.discarded.push(handover);
  }
}

describe('the session a rapid miss hands over', () => {
  it('goes to beginUpload, and is checkpointed before the first part', async () => {
    const data = randomBytes(100 * 1024);
    const src = new MemoryProvider('src', { listSha1: true });
    src.put('/f.bin', data);
    const dst = new HandingOver('dst', { rapidUpload: true });
    const cp = memoryCheckpoint();
    const result = await transferFile({ src, srcEntry: await src.stat('/f.bin'), dst, dstPath: '/f.bin' }, { checkpoint: cp });
    expect(result).toMatchObject({ kind: 'copied', sha1: sha1(data) });
    expect(dst.resumed).toEqual([{ session: 1, chunks: [] }]);
    expect(cp.saved.map((c) => c.offset)).toEqual([0]);
    expect(cp.current).toBeUndefined();
  });

  it('survives a retryable failure before the first part: the retry continues it without a second rapid attempt', async () => {
    const data = randomBytes(3 * 1024 * 1024);
    const src = new MemoryProvider('src', { listSha1: true });
    src.put('/f.bin', data);
    let fail = true;
    const dst = new HandingOver('dst', {
      rapidUpload: true,
      partSize: 1024 * 1024,
      beforePart: () => {
        if (fail) {
          fail = false;
          throw new TransientError('connection reset');
        }
      },
    });
    const entry = await src.stat('/f.bin');
    const cp = memoryCheckpoint();
    await expect(transferFile({ src, srcEntry: entry, dst, dstPath: '/f.bin' }, { checkpoint: cp })).rejects.toThrow('connection reset');
    expect(cp.current).toMatchObject({ offset: 0, sha1: sha1(data) });
    const result = await transferFile({ src, srcEntry: entry, dst, dstPath: '/f.bin' }, { checkpoint: cp });
    expect(result).toMatchObject({ kind: 'copied', sha1: sha1(data) });
    expect(dst.opened).toBe(1);
    expect(dst.resumed).toHaveLength(2);
    expect(dst.files.get('/f.bin')?.data.equals(data)).toBe(true);
  });

  it('is discarded by --rapid-only, which streams nothing and checkpoints nothing', async () => {
    const data = randomBytes(10 * 1024);
    const src = new MemoryProvider('src', { listSha1: true });
    src.put('/f.bin', data);
    const dst = new HandingOver('dst', { rapidUpload: true });
    const cp = memoryCheckpoint();
    const result = await transferFile({ src, srcEntry: await src.stat('/f.bin'), dst, dstPath: '/f.bin' }, { checkpoint: cp, rapidOnly: true });
    expect(result.kind).toBe('missed');
    expect(dst.discarded).toEqual([{ session: 1, chunks: [] }]);
    expect(dst.resumed).toEqual([]);
    expect(cp.saved).toEqual([]);
    expect(dst.files.has('/f.bin')).toBe(false);
  });
});
