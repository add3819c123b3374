import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BadInput, NotFound } from '../errors.js';
import type { Provider, UploadSession } from '../provider.js';

export interface ConformanceFixture {
  provider: Provider;
  /** Puts a file on the remote by the back door (the emulator's seed, the file system). */
  seed(path: string, data: Buffer): Promise<void>;
  cleanup?(): Promise<void>;
}

export interface ConformanceTarget {
  name: string;
  /** A source that cannot be written: the write-side tests are reported as skipped. */
  readOnly?: boolean;
  /** A provider over a fresh, empty root. */
  setup(): Promise<ConformanceFixture>;
}

/** Deterministic test bytes that do not repeat within a part: a seeded linear congruential generator. */
export function bytes(n: number, seed = 1): Buffer {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function drain(entries: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of entries);
}

async function uploadInParts(provider: Provider, path: string, data: Buffer): Promise<UploadSession> {
  const session = await provider.beginUpload!(path, { size: data.length });
  for (let offset = 0, index = 0; offset < data.length; index++) {
    const length = Math.min(session.partSize, data.length - offset);
    await session.writePart({ index, offset, length, data: Readable.from([data.subarray(offset, offset + length)]) });
    offset += length;
  }
  return session;
}

async function withFixture(target: ConformanceTarget, fn: (f: ConformanceFixture) => Promise<void>): Promise<void> {
  const fixture = await target.setup();
  try {
    await fn(fixture);
  } finally {
    await fixture.cleanup?.();
  }
}

/**
 * The provider contract as tests, in the spirit of rclone's fstests. Every provider's test file
 * runs it; a provider is done when it passes.
 */
export function runConformanceSuite(target: ConformanceTarget): void {
  describe(`provider contract: ${target.name}`, () => {
    it('stats the root as a folder and a missing path as NotFound', () =>
      withFixture(target, async ({ provider }) => {
        expect((await provider.stat('/')).isDir).toBe(true);
        await expect(provider.stat('/no/such/file')).rejects.toBeInstanceOf(NotFound);
      }));

    it('lists every child exactly once with its size, and stats files', () =>
      withFixture(target, async ({ provider, seed }) => {
        const data = bytes(3000);
        for (let i = 0; i < 25; i++) await seed(`/dir/f${String(i).padStart(2, '0')}.bin`, data.subarray(0, i * 100));
        await seed('/dir/sub/deep.txt', Buffer.from('deep'));
        const names: string[] = [];
        for await (const e of provider.list('/dir')) {
          names.push(e.name);
          expect(e.path).toBe(`/dir/${e.name}`);
          if (e.name === 'sub') expect(e.isDir).toBe(true);
          else expect(e.size).toBe(Number(e.name.slice(1, 3)) * 100);
        }
        expect(names.sort()).toEqual([...Array.from({ length: 25 }, (_, i) => `f${String(i).padStart(2, '0')}.bin`), 'sub'].sort());
        const st = await provider.stat('/dir/sub/deep.txt');
        expect(st).toMatchObject({ name: 'deep.txt', isDir: false, size: 4 });
        if (provider.capabilities.hashes.includes('sha1')) {
          expect(st.sha1).toBe(createHash('sha1').update('deep').digest('hex'));
        }
        await expect(drain(provider.list('/missing'))).rejects.toBeInstanceOf(NotFound);
      }));

    it('reads whole files and byte ranges', () =>
      withFixture(target, async ({ provider, seed }) => {
        const data = bytes(200_000, 7);
        await seed('/r.bin', data);
        const entry = await provider.stat('/r.bin');
        expect((await readAll(await provider.openRead(entry))).equals(data)).toBe(true);
        expect((await readAll(await provider.openRead(entry, { start: 1000, end: 150_001 }))).equals(data.subarray(1000, 150_001))).toBe(true);
        expect((await provider.readRange(entry, 199_992, 200_000)).equals(data.subarray(199_992))).toBe(true);
        expect((await provider.readRange(entry, 0, 1024)).equals(data.subarray(0, 1024))).toBe(true);
      }));

    it('removes files and folders', () =>
      withFixture(target, async ({ provider, seed }) => {
        if (!provider.remove) return;
        await seed('/rm/a.txt', Buffer.from('a'));
        await seed('/rm/sub/b.txt', Buffer.from('b'));
        await provider.remove('/rm/a.txt');
        await expect(provider.stat('/rm/a.txt')).rejects.toBeInstanceOf(NotFound);
        await provider.remove('/rm/sub');
        await expect(provider.stat('/rm/sub/b.txt')).rejects.toBeInstanceOf(NotFound);
      }));

    describe.skipIf(target.readOnly)('write side', () => {
      it('uploads in parts, and the final name appears only on complete', () =>
        withFixture(target, async ({ provider }) => {
          expect(provider.capabilities.write).toBe(true);
          const data = bytes(3 * 1024 * 1024 + 17, 3);
          await provider.mkdirp!('/up/a');
          const session = await uploadInParts(provider, '/up/a/file.bin', data);
          await expect(provider.stat('/up/a/file.bin')).rejects.toBeInstanceOf(NotFound);
          await session.complete({ sha1: createHash('sha1').update(data).digest('hex') });
          const entry = await provider.stat('/up/a/file.bin');
          expect(entry.size).toBe(data.length);
          expect((await readAll(await provider.openRead(entry))).equals(data)).toBe(true);
          const names: string[] = [];
          for await (const e of provider.list('/up/a')) names.push(e.name);
          expect(names).toEqual(['file.bin']);
        }));

      it('leaves nothing behind when an upload is aborted', () =>
        withFixture(target, async ({ provider }) => {
          expect(provider.capabilities.write).toBe(true);
          const session = await uploadInParts(provider, '/gone.bin', bytes(5000));
          await session.abort();
          await expect(provider.stat('/gone.bin')).rejects.toBeInstanceOf(NotFound);
        }));

      it('refuses hostile names with BadInput and writes nothing', () =>
        withFixture(target, async ({ provider }) => {
          expect(provider.capabilities.write).toBe(true);
          for (const path of ['/../escape.txt', '/a/../../escape.txt', '/a\\b.txt', '/nul\0.txt', '/./x/../../y']) {
            await expect(provider.beginUpload!(path, { size: 1 }), path).rejects.toBeInstanceOf(BadInput);
            await expect(provider.mkdirp!(path), path).rejects.toBeInstanceOf(BadInput);
          }
        }));

      it('lands a rapid upload from SHA-1 and proofs when it declares the capability', () =>
        withFixture(target, async ({ provider, seed }) => {
          if (!provider.capabilities.rapidUpload || !provider.tryRapidUpload) return;
          const data = bytes(50_000, 9);
          await seed('/held.bin', data);
          let read = 0;
          const digest = createHash('sha1').update(data).digest('hex');
          const result = await provider.tryRapidUpload('/copy.bin', {
            size: data.length,
            knownSha1: digest,
            sha1: async () => digest,
            readRange: async (s, e) => {
              read += e - s;
              return data.subarray(s, e);
            },
          });
          expect(result.status).toBe('hit');
          expect(read).toBeLessThan(8 * 1024);
          const entry = await provider.stat('/copy.bin');
          expect((await readAll(await provider.openRead(entry))).equals(data)).toBe(true);
        }));
    });
  });
}
