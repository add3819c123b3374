import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { BadInput, type CheckpointHandle, type Entry, type FileCheckpoint, Journal, type Location, type ReadOptions, runTransfer, transferFile } from '@ferry/core';
import { bytes } from '@ferry/core/testing';
import { LocalProvider } from '../src/index.js';
import { emulatorProvider, lazyEmulator } from './p115-helpers.js';

const emulator = lazyEmulator();
afterAll(() => emulator.close());

const MiB = 1024 * 1024;
const fastBackoff = { baseMs: 20, maxMs: 200 };
const sha1 = (data: Buffer) => createHash('sha1').update(data).digest('hex');


function loc(provider: Location['provider'], path: string): Location {
  return { provider, path, display: `${provider.remote}:${path}` };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Local disk listing a SHA-1 (as cloud listings do: core matches a checkpoint to the source by
 * it), with a hook that sees how far the copy has read, to inject faults mid-file.
 */
class ListedLocal extends LocalProvider {
  onRead?: (readSoFar: number) => void;
  /** Ends the stream early once this many bytes were read (a dropped source), once. */
  cutAt?: number;

  constructor(
    root: string,
    private readonly sha1s: Map<string, string>,
  ) {
    super('local', root);
  }

  override async *list(dir: string): AsyncIterable<Entry> {
    for await (const e of super.list(dir)) yield e.isDir ? e : { ...e, sha1: this.sha1s.get(e.name) ?? '' };
  }

  override async openRead(entry: Entry, options: ReadOptions = {}): Promise<Readable> {
    const inner = await super.openRead(entry, options);
    const self = this;
    let read = options.start ?? 0;
    return Readable.from(
      (async function* () {
        for await (const chunk of inner) {
          let c = chunk as Buffer;
          if (self.cutAt !== undefined && read + c.length > self.cutAt) {
            c = c.subarray(0, self.cutAt - read);
            self.cutAt = undefined;
            if (c.length) yield c;
            inner.destroy();
            return;
          }
          read += c.length;
          self.onRead?.(read);
          yield c;
        }
      })(),
    );
  }
}

class MemoryCheckpoint implements CheckpointHandle {
  saved: FileCheckpoint | undefined;
  async load() {
    return this.saved;
  }
  async save(c: FileCheckpoint) {
    this.saved = structuredClone(c);
  }
  async clear() {
    this.saved = undefined;
  }
}

async function writeTree(dir: string, files: Record<string, Buffer>): Promise<Map<string, string>> {
  const sums = new Map<string, string>();
  for (const [rel, data] of Object.entries(files)) {
    await fs.mkdir(join(dir, rel, '..'), { recursive: true });
    await fs.writeFile(join(dir, rel), data);
    sums.set(rel.split('/').pop()!, sha1(data));
  }
  return sums;
}

describe('p115 uploads over the emulator', () => {
  it('copies a local tree to 115, verified by SHA-1; a second copy elsewhere lands by rapid upload', async () => {
    const emu = await emulator.get();
    const dir = await mkdtemp(join(tmpdir(), 'ferry-p115-up-'));
    try {
      const files: Record<string, Buffer> = {
        'a.txt': Buffer.from('hello 115'),
        'empty.bin': Buffer.alloc(0),
        'sub/b.bin': bytes(300_000, 2),
        'sub/deep/c.bin': bytes(2 * MiB + 3, 5),
      };
      await writeTree(dir, files);
      const provider = emulatorProvider(emu, 0, { part_size: 1 * MiB });
      const before = { ...emu.uploadStats };
      const first = await runTransfer({ source: loc(new LocalProvider('local', dir), '/'), target: loc(provider, '/tree1'), mode: 'copy', backoff: fastBackoff });
      expect(first).toMatchObject({ failed: 0 });
      expect(first.copied + first.rapid).toBe(4);
      for (const [rel, data] of Object.entries(files)) {
        const entry = await provider.stat(`/tree1/${rel}`);
        expect(entry.size).toBe(data.length);
        expect(entry.sha1).toBe(sha1(data));
        if (data.length > 0) expect((await readAll(await provider.openRead(entry))).equals(data)).toBe(true);
      }
      expect(emu.uploadStats.completed - before.completed).toBeGreaterThanOrEqual(3);

      const again = await runTransfer({ source: loc(new LocalProvider('local', dir), '/'), target: loc(provider, '/tree2'), mode: 'copy', backoff: fastBackoff });
      expect(again).toMatchObject({ failed: 0, rapid: 4, copied: 0 });
      expect((await provider.stat('/tree2/sub/deep/c.bin')).sha1).toBe(sha1(files['sub/deep/c.bin']!));
      // Only the 2 MiB file is big enough for 115's proof challenge.
      expect(emu.uploadStats.challenges - before.challenges).toBe(1);

      // Copying over a changed file replaces it: one file of the name remains.
      await fs.writeFile(join(dir, 'a.txt'), 'changed');
      const third = await runTransfer({ source: loc(new LocalProvider('local', dir), '/'), target: loc(provider, '/tree1'), mode: 'copy', backoff: fastBackoff });
      expect(third).toMatchObject({ failed: 0 });
      const names: string[] = [];
      for await (const e of provider.list('/tree1')) names.push(e.name);
      expect(names.filter((n) => n === 'a.txt')).toHaveLength(1);
      expect((await provider.stat('/tree1/a.txt')).sha1).toBe(sha1(Buffer.from('changed')));
      await provider.close();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("addresses OSS only at the bucket's virtual host under getuploadinfo's endpoint, and lands multipart by OSS's SHA-1", async () => {
    const emu = await emulator.get();
    const dir = await mkdtemp(join(tmpdir(), 'ferry-p115-vhost-'));
    try {
      const data = bytes(2 * MiB + 5, 31);
      await writeTree(dir, { 'v.bin': data });
      // Only fhnfile's own host reaches the emulator; any other OSS name (the bare endpoint a
      // path-style request goes to) is refused at connect.
      const connect_to = `fhnfile.oss-cn-shenzhen.aliyuncs.com=${emu.ossConnect},*.aliyuncs.com=127.0.0.1:9`;
      const provider = emulatorProvider(emu, 0, { part_size: 1 * MiB, connect_to });
      const before = { ...emu.uploadStats };
      const result = await runTransfer({ source: loc(new LocalProvider('local', dir), '/'), target: loc(provider, '/vhost'), mode: 'copy', backoff: fastBackoff });
      expect(result).toMatchObject({ failed: 0, copied: 1 });
      expect(emu.uploadStats.completed - before.completed).toBe(1);
      expect(emu.uploadStats.ossBytes - before.ossBytes).toBe(data.length);
      expect((await provider.stat('/vhost/v.bin')).sha1).toBe(sha1(data));
      await provider.close();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('lands a file 115 already holds by rapid upload, reading only the range the challenge asked for', async () => {
    const emu = await emulator.get();
    const data = bytes(3 * MiB + 11, 21);
    emu.putFile('bob', 'held/big.bin', data);
    const provider = emulatorProvider(emu, 0);
    const reads: Array<[number, number]> = [];
    let hashed = 0;
    const before = { ...emu.uploadStats };
    const result = await provider.tryRapidUpload!('/rapid/copy.bin', {
      size: data.length,
      knownSha1: sha1(data),
      sha1: async () => {
        hashed++;
        return sha1(data);
      },
      readRange: async (s, e) => {
        reads.push([s, e]);
        return data.subarray(s, e);
      },
    });
    expect(result.status).toBe('hit');
    expect(hashed).toBe(0);
    expect(emu.uploadStats.challenges - before.challenges).toBe(1);
    expect(emu.uploadStats.rapid - before.rapid).toBe(1);
    expect(emu.uploadStats.ossBytes - before.ossBytes).toBe(0);
    // One challenge, one read: exactly its range (inclusive ends on the wire, [start, end) here), inside the file.
    expect(reads).toHaveLength(1);
    const [s, e] = reads[0]!;
    expect(s).toBeGreaterThanOrEqual(0);
    expect(e).toBeGreaterThan(s);
    expect(e).toBeLessThanOrEqual(data.length);
    expect(e - s).toBeLessThan(data.length);
    const entry = await provider.stat('/rapid/copy.bin');
    expect(entry).toMatchObject({ size: data.length, sha1: sha1(data) });
    expect((await provider.readRange(entry, 0, 4096)).equals(data.subarray(0, 4096))).toBe(true);
    await provider.close();
  });

  it('a rapid hit settles the file it landed by name and SHA-1, since the init pick code is not the file\'s', async () => {
    const emu = await emulator.get();
    emu.putFile('alice', 'settle/same.txt', Buffer.from('the older file of this name'));
    const data = Buffer.from('content 115 already holds for another user');
    emu.putFile('bob', 'held/settle.txt', data);
    const provider = emulatorProvider(emu, 0);
    const result = await provider.tryRapidUpload!('/settle/same.txt', { size: data.length, knownSha1: sha1(data), sha1: async () => sha1(data), readRange: async (s, e) => data.subarray(s, e) });
    expect(result.status).toBe('hit');
    const listed: Entry[] = [];
    for await (const e of provider.list('/settle')) listed.push(e);
    // The landed file is found, so the older one of its name is recycled and the entry is the new file's.
    expect(listed).toEqual([expect.objectContaining({ name: 'same.txt', sha1: sha1(data), size: data.length })]);
    const entry = result.status === 'hit' ? result.entry! : undefined;
    expect(entry).toMatchObject({ id: listed[0]!.id, sha1: sha1(data) });
    expect(await readAll(await provider.openRead(entry!))).toEqual(data);
    await provider.close();
  });

  it('uploads ~40 MiB in parts through a failing part and resumes a dropped copy from its checkpoint in a new process', async () => {
    const emu = await emulator.get();
    const dir = await mkdtemp(join(tmpdir(), 'ferry-p115-big-'));
    try {
      const size = 40 * MiB + 12345;
      const data = bytes(size, 33);
      const sums = await writeTree(dir, { 'big.bin': data });
      await fs.mkdir(`${dir}-journal`);
      const partSize = 4 * MiB;

      // A part PUT fails once (OSS 500) mid-way: the runner retries and the copy resumes.
      const source = new ListedLocal(dir, sums);
      let injected = false;
      source.onRead = (n) => {
        if (!injected && n >= 3 * partSize) {
          injected = true;
          emu.injectFault({ kind: 'ossPartFail', times: 1 });
        }
      };
      const provider = emulatorProvider(emu, 0, { part_size: 4 * MiB });
      const before = { ...emu.uploadStats };
      const journal = await Journal.open(join(`${dir}-journal`, 'journal'));
      const summary = await runTransfer({ source: loc(source, '/'), target: loc(provider, '/big1'), mode: 'copy', journal, backoff: fastBackoff });
      await journal.close();
      expect(injected).toBe(true);
      expect(summary).toMatchObject({ copied: 1, failed: 0 });
      // The source reads ahead of the PUTs, so the failing part is one of the first few; the retry
      // continues after the last part OSS holds.
      expect(summary.resumedBytes).toBeGreaterThanOrEqual(partSize);
      expect(summary.resumedBytes % partSize).toBe(0);
      expect(emu.uploadStats.ossBytes - before.ossBytes).toBeLessThanOrEqual(size + partSize);
      expect(await provider.stat('/big1/big.bin')).toMatchObject({ size, sha1: sha1(data) });
      await provider.close();

      // The source drops after 5 parts: the checkpoint keeps the upload id and the parts, and a
      // new provider (another process) continues from part 6. Other bytes, or 115 would hold them.
      const data2 = bytes(size, 34);
      const dir2 = join(`${dir}-journal`, 'src2');
      const sums2 = await writeTree(dir2, { 'big.bin': data2 });
      const checkpoint = new MemoryCheckpoint();
      const dropping = new ListedLocal(dir2, sums2);
      dropping.cutAt = 5 * partSize + 1000;
      const srcEntry = await dropping.stat('/big.bin');
      const p1 = emulatorProvider(emu, 0, { part_size: 4 * MiB });
      await expect(transferFile({ src: dropping, srcEntry, dst: p1, dstPath: '/big2/big.bin' }, { checkpoint })).rejects.toThrow(/early/);
      await p1.close();
      expect(checkpoint.saved?.offset).toBe(5 * partSize);
      expect(checkpoint.saved?.upload).toMatchObject({ uploadId: expect.any(String), parts: expect.any(Array) });
      const mid = { ...emu.uploadStats };
      const p2 = emulatorProvider(emu, 0, { part_size: 4 * MiB });
      const result = await transferFile({ src: new ListedLocal(dir2, sums2), srcEntry, dst: p2, dstPath: '/big2/big.bin' }, { checkpoint });
      expect(result).toMatchObject({ kind: 'copied', resumedFrom: 5 * partSize, sha1: sha1(data2) });
      expect(emu.uploadStats.ossBytes - mid.ossBytes).toBe(size - 5 * partSize);
      expect(await p2.stat('/big2/big.bin')).toMatchObject({ size, sha1: sha1(data2) });
      await p2.close();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
      await fs.rm(`${dir}-journal`, { recursive: true, force: true });
    }
  });

  it('renews an STS token that expires mid-upload and finishes', async () => {
    const emu = await emulator.get();
    const dir = await mkdtemp(join(tmpdir(), 'ferry-p115-sts-'));
    try {
      const data = bytes(6 * MiB + 7, 44);
      await writeTree(dir, { 'f.bin': data });
      const provider = emulatorProvider(emu, 0, { part_size: 1 * MiB });
      const source = new LocalProvider('local', dir);
      const entry = await source.stat('/f.bin');
      let expired = false;
      const wrapped = Object.create(source) as LocalProvider;
      wrapped.openRead = async (e: Entry, o?: ReadOptions) => {
        const inner = await source.openRead(e, o);
        return Readable.from(
          (async function* () {
            // The byte of the file reached, whichever part this stream reads.
            let n = o?.start ?? 0;
            for await (const c of inner) {
              n += (c as Buffer).length;
              if (!expired && n >= 3 * MiB) {
                expired = true;
                emu.expireStsTokens();
              }
              yield c as Buffer;
            }
          })(),
        );
      };
      const result = await transferFile({ src: wrapped, srcEntry: entry, dst: provider, dstPath: '/sts/f.bin' });
      expect(expired).toBe(true);
      expect(result).toMatchObject({ kind: 'copied', resumedFrom: 0, sha1: sha1(data) });
      expect(await provider.stat('/sts/f.bin')).toMatchObject({ size: data.length, sha1: sha1(data) });
      await provider.close();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('an upload init the server cannot decrypt (wrong ecdh_pub) fails with BadInput naming the option', async () => {
    const emu = await emulator.get();
    const provider = emulatorProvider(emu, 0, { ecdh_pub: undefined });
    const data = Buffer.from('no key');
    const attempt = provider.tryRapidUpload!('/wrong-key/x.txt', { size: data.length, knownSha1: sha1(data), sha1: async () => sha1(data), readRange: async (s, e) => data.subarray(s, e) });
    await expect(attempt).rejects.toBeInstanceOf(BadInput);
    await expect(
      provider.tryRapidUpload!('/wrong-key/x.txt', { size: data.length, knownSha1: sha1(data), sha1: async () => sha1(data), readRange: async (s, e) => data.subarray(s, e) }),
    ).rejects.toThrow(/ecdh_pub/);
    await provider.close();
  });

  it('an init 115 refuses with `"status": false` (a stale userkey: sig invalid) fails at once, not retryable, with 115\'s message', async () => {
    const emu = await emulator.get();
    const provider = emulatorProvider(emu, 0);
    const source = (data: Buffer) => ({ size: data.length, knownSha1: sha1(data), sha1: async () => sha1(data), readRange: async (s: number, e: number) => data.subarray(s, e) });
    const first = Buffer.from('signed with the userkey as fetched');
    await provider.tryRapidUpload!('/refused/first.txt', source(first));
    emu.renewUserkey('alice');
    const second = Buffer.from('signed with a userkey 115 no longer holds');
    const attempt = provider.tryRapidUpload!('/refused/second.txt', source(second));
    await expect(attempt).rejects.toBeInstanceOf(BadInput);
    await expect(attempt).rejects.toMatchObject({ retryable: false, message: expect.stringMatching(/sig invalid/) });
    // The refusal dropped the stale userkey: the next upload signs with the new one.
    await expect(provider.tryRapidUpload!('/refused/second.txt', source(second))).resolves.toMatchObject({ status: 'miss' });
    await provider.close();
  });

  it('an upload begun without the SHA-1 keeps its parts aside and lands them on complete (multipart, or rapid with the challenge)', async () => {
    const emu = await emulator.get();
    const provider = emulatorProvider(emu, 0, { part_size: 1 * MiB });
    const data = bytes(2 * MiB + 500_000, 55);
    const send = async (path: string) => {
      const session = await provider.beginUpload!(path, { size: data.length });
      for (let offset = 0, index = 0; offset < data.length; index++) {
        const length = Math.min(session.partSize, data.length - offset);
        await session.writePart({ index, offset, length, data: Readable.from([data.subarray(offset, offset + length)]) });
        offset += length;
      }
      return session.complete({ sha1: sha1(data) });
    };
    const before = { ...emu.uploadStats };
    expect(await send('/spool/a.bin')).toMatchObject({ size: data.length, sha1: sha1(data) });
    expect(emu.uploadStats.ossBytes - before.ossBytes).toBe(data.length);
    expect(await send('/spool/b.bin')).toMatchObject({ size: data.length, sha1: sha1(data) });
    expect(emu.uploadStats.ossBytes - before.ossBytes).toBe(data.length);
    expect(emu.uploadStats.challenges - before.challenges).toBe(1);
    expect((await readAll(await provider.openRead(await provider.stat('/spool/b.bin')))).equals(data)).toBe(true);
    await provider.close();
  });
});
