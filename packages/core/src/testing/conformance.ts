import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type Ability, type ProviderThatCan, can, capabilityMismatches } from '../capabilities.js';
import { AuthError, BadInput, IntegrityError, NotFound, isRetryable } from '../errors.js';
import type { Provider, UploadSession } from '../provider.js';

/** A state of the service a fixture cannot bring about, and why: the suite reports it as a skip. */
export interface Cannot {
  cannot: string;
}

/**
 * Knobs that drive the provider's real server (an emulator, the file system) into the states
 * whose typed errors every provider must throw. Each is undone by the fixture's `cleanup`.
 */
export interface FaultKnobs {
  /** From now on the service refuses this provider access to the seeded files (credentials refused, session gone, no permission). */
  denyAccess: (() => Promise<void> | void) | Cannot;
  /**
   * From now on the service throttles this provider. Resolves to the shortest wait the service
   * itself announces (Retry-After, Aliyun's x-retry-after), when it announces one.
   */
  throttle: (() => Promise<{ announcedMs?: number }> | { announcedMs?: number }) | Cannot;
}

export interface ConformanceFixture {
  provider: Provider;
  /** Puts a file on the remote by the back door (the emulator's seed, the file system). */
  seed(path: string, data: Buffer): Promise<void>;
  faults: FaultKnobs;
  cleanup?(): Promise<void>;
}

export interface ConformanceTarget {
  name: string;
  /** A source that cannot be written: the suite checks it declares no write, and skips the write side. */
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

async function uploadInParts(provider: ProviderThatCan<'write'>, path: string, data: Buffer): Promise<UploadSession> {
  const session = await provider.beginUpload(path, { size: data.length });
  for (let offset = 0, index = 0; offset < data.length; index++) {
    const length = Math.min(session.partSize, data.length - offset);
    await session.writePart({ index, offset, length, data: Readable.from([data.subarray(offset, offset + length)]) });
    offset += length;
  }
  return session;
}

type TestContext = { skip(note: string): never };

async function withFixture(target: ConformanceTarget, fn: (f: ConformanceFixture) => Promise<void>): Promise<void> {
  const fixture = await target.setup();
  try {
    await fn(fixture);
  } finally {
    await fixture.cleanup?.();
  }
}

/** Skips the running test, saying why, unless `provider` can do `ability`. */
function requireAbility<A extends Ability>(ctx: TestContext, name: string, provider: Provider, ability: A): asserts provider is ProviderThatCan<A> {
  if (!can(provider, ability)) ctx.skip(`${name} declares no ${ability}`);
}

/** The knob, or a skip with the fixture's reason why the service cannot be brought there. */
function knob<K extends keyof FaultKnobs>(ctx: TestContext, name: string, faults: FaultKnobs, fault: K): Exclude<FaultKnobs[K], Cannot> {
  const k = faults[fault];
  if (typeof k !== 'function') ctx.skip(`${name} cannot ${fault}: ${k.cannot}`);
  return k as Exclude<FaultKnobs[K], Cannot>;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection, but it resolved');
}

/**
 * The provider contract as tests, in the spirit of rclone's fstests. Every provider's test file
 * runs it; a provider is done when it passes. A test that needs an ability the provider does not
 * declare, or a service state its fixture cannot bring about, is reported as skipped with the
 * reason, never as passed.
 */
export function runConformanceSuite(target: ConformanceTarget): void {
  const name = target.name;
  describe(`provider contract: ${name}`, () => {
    it('declares each ability once: its capability flags and its methods agree', () =>
      withFixture(target, async ({ provider }) => {
        expect(capabilityMismatches(provider)).toEqual([]);
        expect(can(provider, 'read')).toBe(true);
        expect(can(provider, 'write')).toBe(!target.readOnly);
      }));

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
        await expect(drain(provider.list('/missing'))).rejects.toBeInstanceOf(NotFound);
      }));

    it('lists the SHA-1 it declares among its free hashes', (ctx) =>
      withFixture(target, async ({ provider, seed }) => {
        if (!provider.capabilities.hashes.includes('sha1')) ctx.skip(`${name} lists no SHA-1 (capabilities.hashes is empty)`);
        await seed('/h/deep.txt', Buffer.from('deep'));
        const sha1 = createHash('sha1').update('deep').digest('hex');
        expect((await provider.stat('/h/deep.txt')).sha1).toBe(sha1);
        for await (const e of provider.list('/h')) expect(e.sha1).toBe(sha1);
      }));

    it('hashes a file the listing gave without a SHA-1', (ctx) =>
      withFixture(target, async ({ provider, seed }) => {
        requireAbility(ctx, name, provider, 'hash');
        const data = bytes(70_000, 5);
        await seed('/hash/x.bin', data);
        const { sha1: _, ...unhashed } = await provider.stat('/hash/x.bin');
        expect(await provider.hash(unhashed)).toBe(createHash('sha1').update(data).digest('hex'));
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

    it('reads in place at a position, fewer bytes only where the file ends', (ctx) =>
      withFixture(target, async ({ provider, seed }) => {
        requireAbility(ctx, name, provider, 'readAt');
        // Past 1 MiB, so a provider with a separate path for small reads is read both ways.
        const data = bytes(1_500_000, 11);
        await seed('/p.bin', data);
        const entry = await provider.stat('/p.bin');
        const whole = Buffer.alloc(data.length);
        expect(await provider.readAt(entry, 0, whole)).toBe(data.length);
        expect(whole.equals(data)).toBe(true);
        const small = Buffer.alloc(4096);
        expect(await provider.readAt(entry, 700_000, small)).toBe(4096);
        expect(small.equals(data.subarray(700_000, 704_096))).toBe(true);
        const tail = Buffer.alloc(2 * 1024 * 1024);
        expect(await provider.readAt(entry, 1_000_000, tail)).toBe(500_000);
        expect(tail.subarray(0, 500_000).equals(data.subarray(1_000_000))).toBe(true);
        await expect(provider.readAt({ ...entry, path: '/p-missing.bin', name: 'p-missing.bin' }, 0, small)).rejects.toBeInstanceOf(NotFound);
      }));

    it('removes files and folders, and a missing path is NotFound', (ctx) =>
      withFixture(target, async ({ provider, seed }) => {
        requireAbility(ctx, name, provider, 'remove');
        await seed('/rm/a.txt', Buffer.from('a'));
        await seed('/rm/sub/b.txt', Buffer.from('b'));
        await provider.remove('/rm/a.txt');
        await expect(provider.stat('/rm/a.txt')).rejects.toBeInstanceOf(NotFound);
        await provider.remove('/rm/sub');
        await expect(provider.stat('/rm/sub/b.txt')).rejects.toBeInstanceOf(NotFound);
        await expect(provider.remove('/rm/never.txt')).rejects.toBeInstanceOf(NotFound);
      }));

    it('moves a file, and moving a missing path is NotFound', (ctx) =>
      withFixture(target, async ({ provider, seed }) => {
        requireAbility(ctx, name, provider, 'move');
        await seed('/mv/a.txt', Buffer.from('moved'));
        await seed('/mv/to/keep.txt', Buffer.from('k'));
        expect(await provider.move('/mv/a.txt', '/mv/to/b.txt')).toMatchObject({ name: 'b.txt', isDir: false, size: 5 });
        await expect(provider.stat('/mv/a.txt')).rejects.toBeInstanceOf(NotFound);
        expect((await readAll(await provider.openRead(await provider.stat('/mv/to/b.txt')))).toString()).toBe('moved');
        await expect(provider.move('/mv/never.txt', '/mv/to/c.txt')).rejects.toBeInstanceOf(NotFound);
      }));

    describe('typed errors', () => {
      it('refuses access with AuthError, not retryable, once the service denies it', (ctx) =>
        withFixture(target, async ({ provider, seed, faults }) => {
          const deny = knob(ctx, name, faults, 'denyAccess');
          await seed('/denied/a.bin', bytes(1000, 11));
          const entry = await provider.stat('/denied/a.bin');
          await deny();
          const err = await rejection(provider.readRange(entry, 0, 100));
          expect(err).toBeInstanceOf(AuthError);
          expect(isRetryable(err)).toBe(false);
        }));

      it('says a throttled call is retryable, after at least the wait the service announced', (ctx) =>
        withFixture(target, async ({ provider, seed, faults }) => {
          const throttle = knob(ctx, name, faults, 'throttle');
          await seed('/throttled/a.bin', bytes(1000, 12));
          const { announcedMs } = await throttle();
          const err = await rejection(provider.stat('/throttled/a.bin'));
          expect(isRetryable(err), String(err)).toBe(true);
          const retryAfterMs = (err as { retryAfterMs?: unknown }).retryAfterMs;
          expect(typeof retryAfterMs).toBe('number');
          expect(retryAfterMs).toBeGreaterThan(0);
          if (announcedMs !== undefined) expect(retryAfterMs).toBeGreaterThanOrEqual(announcedMs);
        }));
    });

    describe('write side', () => {
      it('uploads in parts, and the final name appears only on complete', (ctx) =>
        withFixture(target, async ({ provider }) => {
          requireAbility(ctx, name, provider, 'write');
          const data = bytes(3 * 1024 * 1024 + 17, 3);
          await provider.mkdirp('/up/a');
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

      it('leaves nothing behind when an upload is aborted', (ctx) =>
        withFixture(target, async ({ provider }) => {
          requireAbility(ctx, name, provider, 'write');
          const session = await uploadInParts(provider, '/gone.bin', bytes(5000));
          await session.abort();
          await expect(provider.stat('/gone.bin')).rejects.toBeInstanceOf(NotFound);
        }));

      it('refuses bytes that do not match their SHA-1 with IntegrityError, and lands nothing', (ctx) =>
        withFixture(target, async ({ provider }) => {
          requireAbility(ctx, name, provider, 'write');
          const data = bytes(300_000, 13);
          const session = await uploadInParts(provider, '/bad.bin', data);
          if (!session.needsSha1) {
            await session.abort();
            ctx.skip(`${name} keeps no SHA-1 to check what lands against (needsSha1 is false): the engine compares what it read`);
          }
          const wrong = createHash('sha1').update(data.subarray(1)).digest('hex');
          const err = await rejection(session.complete({ sha1: wrong }));
          expect(err).toBeInstanceOf(IntegrityError);
          expect(isRetryable(err)).toBe(false);
          await session.abort().catch(() => {});
          await expect(provider.stat('/bad.bin')).rejects.toBeInstanceOf(NotFound);
        }));

      it('refuses hostile names with BadInput and writes nothing', (ctx) =>
        withFixture(target, async ({ provider }) => {
          requireAbility(ctx, name, provider, 'write');
          for (const path of ['/../escape.txt', '/a/../../escape.txt', '/a\\b.txt', '/nul\0.txt', '/./x/../../y']) {
            await expect(provider.beginUpload(path, { size: 1 }), path).rejects.toBeInstanceOf(BadInput);
            await expect(provider.mkdirp(path), path).rejects.toBeInstanceOf(BadInput);
          }
        }));

      it('lands a rapid upload from SHA-1 and proofs', (ctx) =>
        withFixture(target, async ({ provider, seed }) => {
          requireAbility(ctx, name, provider, 'rapidUpload');
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
