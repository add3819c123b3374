import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Conflict, type Entry, Journal, type Location, runTransfer, transferFile } from '@ferry/core';
import { MemoryProvider } from '@ferry/core/testing';
import { LocalProvider } from '../src/index.js';
import { aliyunOpenFixture, bytes } from './aliyun-open-helpers.js';

const CREATE = '/adrive/v1.0/openFile/create';
const sha1 = (data: Buffer) => createHash('sha1').update(data).digest('hex');
const fastBackoff = { baseMs: 20, maxMs: 200 };

function loc(provider: Location['provider'], path: string): Location {
  return { provider, path, display: `${provider.remote}:${path}` };
}

/** A source whose proof reads come back wrong, as a stale or corrupted listing would give. */
class WrongProofSource extends MemoryProvider {
  override async readRange(entry: Entry, start: number, end: number): Promise<Buffer> {
    const right = await super.readRange(entry, start, end);
    return start === 0 ? right : Buffer.from(right.map((b) => b ^ 0xff));
  }
}

/**
 * Local disk listing a SHA-1, as 115 and Aliyun listings do: core matches a checkpoint to the
 * source by its listed SHA-1, so only such a source resumes a streamed upload.
 */
class ListedSha1Local extends LocalProvider {
  constructor(remote: string, root: string, private readonly sha1: string) {
    super(remote, root);
  }

  override async *list(dir: string): AsyncIterable<Entry> {
    for await (const e of super.list(dir)) yield e.isDir ? e : { ...e, sha1: this.sha1 };
  }
}

describe('aliyun-open transfers over the emulator', () => {
  it('asks with the pre_hash of the first KiB when the SHA-1 is unknown: a file with no candidate is read once, by the copy', async () => {
    const { emulator, provider } = await aliyunOpenFixture();
    try {
      const unlisted = new MemoryProvider('unlisted');
      const fresh = bytes(2 * 1024 * 1024 + 7, 21);
      const held = bytes(2 * 1024 * 1024 + 9, 22);
      unlisted.put('/fresh.bin', fresh);
      unlisted.put('/held.bin', held);
      emulator.addBlob(held);
      const summary = await runTransfer({ source: loc(unlisted, '/'), target: loc(provider, '/in'), mode: 'copy', transfers: 1 });
      expect(summary).toMatchObject({ rapid: 1, copied: 1, failed: 0 });
      // fresh.bin: 1 KiB for its pre_hash, then its bytes once, hashed on their way up; it is
      // never hashed on its own. held.bin: 1 KiB, the pre_hash matches, so it is hashed (once),
      // then 8 proof bytes.
      expect(unlisted.bytesRead).toBe(fresh.length);
      expect(unlisted.hashed).toBe(1);
      expect(unlisted.rangeBytesRead).toBe(1024 + 1024 + 8);
      expect(emulator.stats.preHashMatches).toBe(1);
      expect(sha1(emulator.read('/in/fresh.bin')!)).toBe(sha1(fresh));
      expect(sha1(emulator.read('/in/held.bin')!)).toBe(sha1(held));
    } finally {
      await emulator.close();
    }
  });

  it('lands a local file by rapid upload, reading only the pre_hash KiB and the 8 proof bytes from the source', async () => {
    const { emulator, provider } = await aliyunOpenFixture();
    const dir = await mkdtemp(join(tmpdir(), 'ferry-ali-'));
    try {
      const data = bytes(8 * 1024 * 1024 + 5, 11);
      emulator.addBlob(data);
      await fs.writeFile(join(dir, 'held.bin'), data);
      const listed = new MemoryProvider('listing', { listSha1: true });
      listed.put('/listed.bin', data);

      const fromDisk = await runTransfer({ source: loc(new LocalProvider('local', dir), '/'), target: loc(provider, '/in'), mode: 'copy' });
      expect(fromDisk).toMatchObject({ rapid: 1, copied: 0, failed: 0 });
      // Local disk hashes through its own cache, outside the transfer's count.
      expect(fromDisk.sourceBytesRead).toBe(1024 + 8);

      const fromListing = await runTransfer({ source: loc(listed, '/'), target: loc(provider, '/in'), mode: 'copy' });
      expect(fromListing).toMatchObject({ rapid: 1, failed: 0 });
      expect(listed.bytesRead + listed.rangeBytesRead).toBeLessThanOrEqual(8);

      expect(emulator.stats.putBytes).toBe(0);
      expect(emulator.stats.rapidHits).toBe(2);
      expect(sha1(emulator.read('/in/held.bin')!)).toBe(sha1(data));
      expect(sha1(emulator.read('/in/listed.bin')!)).toBe(sha1(data));
    } finally {
      await emulator.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a wrong proof, and the copy falls back to a streamed upload that succeeds', async () => {
    const { emulator, provider } = await aliyunOpenFixture({}, { part_size: 256 * 1024 });
    try {
      const data = bytes(1024 * 1024 + 3, 5);
      emulator.addBlob(data);
      const src = new WrongProofSource('src', { listSha1: true });
      src.put('/w.bin', data);
      const summary = await runTransfer({ source: loc(src, '/'), target: loc(provider, '/'), mode: 'copy' });
      expect(summary).toMatchObject({ copied: 1, rapid: 0, failed: 0 });
      expect(emulator.stats.proofRejected).toBe(1);
      expect(emulator.stats.rapidHits).toBe(0);
      expect(emulator.stats.putBytes).toBe(data.length);
      expect(emulator.read('/w.bin')!.equals(data)).toBe(true);
    } finally {
      await emulator.close();
    }
  });

  it('streams a large file whose part URL expires mid-way, resuming from the last part', async () => {
    const partSize = 8 * 1024 * 1024;
    const { emulator, provider } = await aliyunOpenFixture({}, { part_size: partSize });
    const dir = await mkdtemp(join(tmpdir(), 'ferry-ali-big-'));
    try {
      const size = 300 * 1024 * 1024 + 12345;
      const block = bytes(1024 * 1024, 3);
      const hash = createHash('sha1');
      await fs.mkdir(join(dir, 'src'));
      const handle = await fs.open(join(dir, 'src', 'big.bin'), 'w');
      for (let off = 0; off < size; off += block.length) {
        const chunk = block.subarray(0, Math.min(block.length, size - off));
        chunk.writeUInt32BE(off / block.length, 0);
        hash.update(chunk);
        await handle.write(chunk);
      }
      await handle.close();
      const expected = hash.digest('hex');

      emulator.inject({ on: 'put', kind: 'expire', after: 17 });
      const journal = await Journal.open(join(dir, 'journal'));
      const summary = await runTransfer({
        source: loc(new ListedSha1Local('local', join(dir, 'src'), expected), '/'),
        target: loc(provider, '/big'),
        mode: 'copy',
        journal,
        backoff: fastBackoff,
      });
      await journal.close();
      expect(summary).toMatchObject({ copied: 1, failed: 0 });
      expect(summary.resumedBytes).toBe(17 * partSize);
      expect(emulator.stats.expiredUrls).toBe(1);
      expect(emulator.stats.uploadUrlRenewals).toBeGreaterThanOrEqual(1);
      expect(emulator.stats.putBytes).toBe(size);
      const landed = await provider.stat('/big/big.bin');
      expect(landed.sha1).toBe(expected);
      expect(landed.size).toBe(size);
    } finally {
      await emulator.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('resumes past a listUploadedParts reply that pages (next_part_number_marker)', async () => {
    const partSize = 100 * 1024;
    const { emulator, provider } = await aliyunOpenFixture({ uploadedPartsPage: 3 }, { part_size: partSize });
    const dir = await mkdtemp(join(tmpdir(), 'ferry-ali-pages-'));
    try {
      const data = bytes(10 * partSize + 777, 11);
      const expected = createHash('sha1').update(data).digest('hex');
      await fs.mkdir(join(dir, 'src'));
      await fs.writeFile(join(dir, 'src', 'paged.bin'), data);
      emulator.inject({ on: 'put', kind: 'expire', after: 7 });
      const journal = await Journal.open(join(dir, 'journal'));
      const summary = await runTransfer({
        source: loc(new ListedSha1Local('local', join(dir, 'src'), expected), '/'),
        target: loc(provider, '/paged'),
        mode: 'copy',
        journal,
        backoff: fastBackoff,
      });
      await journal.close();
      // Seven parts were held; the first page of the listing names only three of them.
      expect(summary).toMatchObject({ copied: 1, failed: 0 });
      expect(summary.resumedBytes).toBe(7 * partSize);
      expect(emulator.stats.putBytes).toBe(data.length);
      expect(emulator.read('/paged/paged.bin')!.equals(data)).toBe(true);
    } finally {
      await emulator.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('refreshes an access token that expires mid-transfer exactly once', async () => {
    const { emulator, provider, saved } = await aliyunOpenFixture({ rateLimits: false }, { part_size: 100 * 1024 });
    try {
      const src = new MemoryProvider('src', { listSha1: true });
      for (let i = 0; i < 8; i++) src.put(`/t${i}.bin`, bytes(250_000 + i, 20 + i));
      src.put('/empty.bin', Buffer.alloc(0));
      await provider.mkdirp('/tok');
      emulator.resetStats();
      emulator.inject({ on: CREATE, kind: 'expire', after: 5 });
      const summary = await runTransfer({ source: loc(src, '/'), target: loc(provider, '/tok'), mode: 'copy', transfers: 4 });
      expect(summary).toMatchObject({ copied: 9, failed: 0 });
      expect(emulator.read('/tok/empty.bin')!.length).toBe(0);
      expect(emulator.stats.refreshGrants).toBe(1);
      expect(saved).toHaveLength(2);
      for (let i = 0; i < 8; i++) expect(emulator.read(`/tok/t${i}.bin`)!.equals(bytes(250_000 + i, 20 + i))).toBe(true);
    } finally {
      await emulator.close();
    }
  });

  it('handles a name taken when the file lands as the engine says (Placement onConflict)', async () => {
    const old = Buffer.from('old content');
    const fresh = bytes(300_000, 8);
    const src = new MemoryProvider('src', { listSha1: true });
    src.put('/x.bin', fresh);
    const srcEntry = await src.stat('/x.bin');
    const { emulator, provider } = await aliyunOpenFixture();
    try {
      emulator.put('/o/x.bin', old);
      const replaced = await transferFile({ src, srcEntry, dst: provider, dstPath: '/o/x.bin' });
      expect(replaced.kind).toBe('copied');
      expect(emulator.names('/o')).toEqual(['x.bin']);
      expect(emulator.read('/o/x.bin')!.equals(fresh)).toBe(true);

      emulator.put('/r/x.bin', old);
      emulator.addBlob(fresh);
      const renamed = await transferFile({ src, srcEntry, dst: provider, dstPath: '/r/x.bin', onConflict: 'rename' });
      expect(renamed.kind).toBe('rapid');
      expect(emulator.names('/r')).toEqual(['x(1).bin', 'x.bin']);
      expect(emulator.read('/r/x.bin')!.equals(old)).toBe(true);
      expect(emulator.read('/r/x(1).bin')!.equals(fresh)).toBe(true);

      emulator.put('/s/x.bin', old);
      await expect(transferFile({ src, srcEntry, dst: provider, dstPath: '/s/x.bin', onConflict: 'skip' })).rejects.toBeInstanceOf(Conflict);
      expect(emulator.names('/s')).toEqual(['x.bin']);
      expect(emulator.read('/s/x.bin')!.equals(old)).toBe(true);
    } finally {
      await emulator.close();
    }
  });

  it('obeys the engine\'s --on-conflict as an Aliyun target: overwrite replaces, skip keeps, rename adds name(1)', async () => {
    const old = Buffer.from('old content');
    const fresh = bytes(300_000, 9);
    const src = new MemoryProvider('src', { listSha1: true });
    src.put('/x.bin', fresh);
    const { emulator, provider } = await aliyunOpenFixture();
    try {
      for (const dir of ['overwrite', 'skip', 'rename']) emulator.put(`/${dir}/x.bin`, old);
      const run = (onConflict: 'overwrite' | 'skip' | 'rename') =>
        runTransfer({ source: loc(src, '/'), target: loc(provider, `/${onConflict}`), mode: 'copy', onConflict, transfers: 1 });

      expect(await run('overwrite')).toMatchObject({ copied: 1, skipped: 0, failed: 0 });
      expect(emulator.names('/overwrite')).toEqual(['x.bin']);
      expect(emulator.read('/overwrite/x.bin')!.equals(fresh)).toBe(true);

      expect(await run('skip')).toMatchObject({ copied: 0, skipped: 1, failed: 0 });
      expect(emulator.read('/skip/x.bin')!.equals(old)).toBe(true);

      // The overwrite run landed these bytes, so this copy is a rapid upload.
      expect(await run('rename')).toMatchObject({ rapid: 1, failed: 0 });
      expect(emulator.names('/rename')).toEqual(['x(1).bin', 'x.bin']);
      expect(emulator.read('/rename/x.bin')!.equals(old)).toBe(true);
      expect(emulator.read('/rename/x(1).bin')!.equals(fresh)).toBe(true);
    } finally {
      await emulator.close();
    }
  });

  it('slows down under the documented rate limits and finishes, also after injected 429s', async () => {
    const { emulator, provider } = await aliyunOpenFixture();
    try {
      for (let i = 0; i < 40; i++) emulator.put(`/q/f${i}.txt`, Buffer.from(`f${i}`));
      const entries = await Promise.all(Array.from({ length: 40 }, (_, i) => provider.stat(`/q/f${i}.txt`)));
      expect(entries.map((e) => e.size)).toEqual(Array.from({ length: 40 }, (_, i) => `f${i}`.length));
      expect(emulator.stats.throttled).toBe(0);

      const src = new MemoryProvider('src', { listSha1: true });
      src.put('/a.bin', bytes(2000, 1));
      src.put('/b.bin', bytes(3000, 2));
      emulator.inject({ on: CREATE, kind: 'throttle', retryAfterMs: 10, times: 2 });
      const events: string[] = [];
      const summary = await runTransfer({
        source: loc(src, '/'),
        target: loc(provider, '/r'),
        mode: 'copy',
        backoff: fastBackoff,
        onEvent: (e) => {
          if (e.type === 'retry') events.push(e.message);
        },
      });
      expect(summary).toMatchObject({ copied: 2, failed: 0 });
      expect(events.length).toBe(2);
      expect(events[0]).toMatch(/throttled/);
    } finally {
      await emulator.close();
    }
  });

  it('copies Aliyun to local disk, verified, renewing an expired download URL', async () => {
    const { emulator, provider } = await aliyunOpenFixture();
    const dir = await mkdtemp(join(tmpdir(), 'ferry-ali-dl-'));
    try {
      const files: Record<string, Buffer> = { '/lib/a.bin': bytes(3 * 1024 * 1024 + 1, 1), '/lib/sub/b.txt': Buffer.from('bee'), '/lib/empty': Buffer.alloc(0) };
      for (const [path, data] of Object.entries(files)) emulator.put(path, data);
      emulator.inject({ on: 'download', kind: 'expire' });
      const summary = await runTransfer({ source: loc(provider, '/lib'), target: loc(new LocalProvider('local', dir), '/'), mode: 'copy', compare: 'checksum' });
      expect(summary).toMatchObject({ copied: 3, failed: 0 });
      for (const [path, data] of Object.entries(files)) {
        expect((await fs.readFile(join(dir, path.slice('/lib/'.length)))).equals(data)).toBe(true);
      }
      expect(emulator.stats.expiredUrls).toBe(1);
      expect(emulator.stats.downloadBytes).toBe(3 * 1024 * 1024 + 1 + 3);
    } finally {
      await emulator.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
