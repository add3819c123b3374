import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CheckpointHandle,
  type Entry,
  type FileCheckpoint,
  NotFound,
  type Provider,
  type RapidSource,
  type ReadOptions,
  TransientError,
  type UploadSession,
  type UploadState,
  transferFile,
} from '@ferry/core';
import { MemoryProvider, bytes } from '@ferry/core/testing';
import { ALIYUN_PATHS } from '@ferry/protocols';
import { aliyunOpenFixture, newProvider } from './aliyun-open-helpers.js';
import { emulatorProvider, lazyEmulator } from './p115-helpers.js';

/**
 * A rapid miss hands the upload session it opened to the streamed copy, as state any provider
 * instance (another worker's) continues: the emulators count the sessions opened to prove it.
 */

const sha1 = (data: Buffer) => createHash('sha1').update(data).digest('hex');

function rapidSource(data: Buffer): RapidSource {
  return { size: data.length, knownSha1: sha1(data), sha1: async () => sha1(data), readRange: async (s, e) => data.subarray(s, e) };
}

/** The handover as another process gets it: through JSON (a checkpoint, a job's data). */
async function missOn(provider: Provider, path: string, data: Buffer): Promise<UploadState> {
  const result = await provider.tryRapidUpload!(path, rapidSource(data));
  expect(result.status).toBe('miss');
  if (result.status !== 'miss' || !result.handover) throw new Error('the miss handed no session over');
  return JSON.parse(JSON.stringify(result.handover)) as UploadState;
}

async function stream(session: UploadSession, data: Buffer): Promise<Entry> {
  for (let offset = session.offset, index = 0; offset < data.length; offset += session.partSize, index++) {
    const chunk = data.subarray(offset, Math.min(data.length, offset + session.partSize));
    await session.writePart({ index, offset, length: chunk.length, data: Readable.from([chunk]) });
  }
  return session.complete({ sha1: sha1(data) });
}

async function contentOf(provider: Provider, path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await provider.openRead(await provider.stat(path))) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

class MemoryCheckpoint implements CheckpointHandle {
  saved: FileCheckpoint | undefined;
  async load() {
    return this.saved;
  }
  async save(c: FileCheckpoint) {
    this.saved = JSON.parse(JSON.stringify(c)) as FileCheckpoint;
  }
  async clear() {
    this.saved = undefined;
  }
}

/** A source listing SHA-1s whose first streamed read drops, as a worker dying after the rapid miss would. */
class DropsFirstRead extends MemoryProvider {
  private dropped = false;
  constructor() {
    super('src', { listSha1: true });
  }
  override async openRead(entry: Entry, options?: ReadOptions): Promise<Readable> {
    if (!this.dropped) {
      this.dropped = true;
      throw new TransientError('src: the connection dropped');
    }
    return super.openRead(entry, options);
  }
}

/** The first attempt misses, opens a session and fails before a byte lands; the second, on a new target instance, finishes. */
async function copyOnTwoWorkers(first: Provider, second: Provider, dstPath: string, data: Buffer): Promise<void> {
  const src = new DropsFirstRead();
  src.put('/f.bin', data);
  const srcEntry = await src.stat('/f.bin');
  const checkpoint = new MemoryCheckpoint();
  await expect(transferFile({ src, srcEntry, dst: first, dstPath }, { checkpoint })).rejects.toBeInstanceOf(TransientError);
  expect(checkpoint.saved?.offset).toBe(0);
  const result = await transferFile({ src, srcEntry, dst: second, dstPath }, { checkpoint });
  expect(result).toMatchObject({ kind: 'copied', sha1: sha1(data) });
  expect(checkpoint.saved).toBeUndefined();
}

describe('115: a rapid miss hands its upload target over', () => {
  const emulator = lazyEmulator(['alice']);
  afterAll(() => emulator.close());

  it('the streamed upload on a new provider instance uses it: one init for the file', async () => {
    const emu = await emulator.get();
    const data = bytes(300 * 1024, 1);
    const before = { ...emu.uploadStats };
    const handover = await missOn(emulatorProvider(emu), '/handover/a.bin', data);
    const other = emulatorProvider(emu);
    const entry = await stream(await other.beginUpload!('/handover/a.bin', { size: data.length, sha1: sha1(data), resume: handover }), data);
    expect(entry.sha1).toBe(sha1(data));
    expect(emu.uploadStats.opened - before.opened).toBe(1);
    expect(emu.uploadStats.completed - before.completed).toBe(1);
    expect((await contentOf(other, '/handover/a.bin')).equals(data)).toBe(true);
  });

  it('a handover past its expiry is dropped and a fresh init opens the upload', async () => {
    const emu = await emulator.get();
    const data = bytes(200 * 1024, 2);
    const before = { ...emu.uploadStats };
    const stale = { ...(await missOn(emulatorProvider(emu), '/handover/stale.bin', data)), expires_at: Date.now() - 1 };
    const other = emulatorProvider(emu);
    await stream(await other.beginUpload!('/handover/stale.bin', { size: data.length, sha1: sha1(data), resume: stale }), data);
    expect(emu.uploadStats.opened - before.opened).toBe(2);
    expect((await contentOf(other, '/handover/stale.bin')).equals(data)).toBe(true);
  });

  it('a copy that fails after the miss continues on another worker from its checkpoint: one init, one multipart upload', async () => {
    const emu = await emulator.get();
    const data = bytes(600 * 1024, 3);
    const before = { ...emu.uploadStats };
    const second = emulatorProvider(emu);
    await copyOnTwoWorkers(emulatorProvider(emu), second, '/handover/worker.bin', data);
    expect(emu.uploadStats.opened - before.opened).toBe(1);
    expect(emu.uploadStats.multiparts - before.multiparts).toBe(1);
    expect((await contentOf(second, '/handover/worker.bin')).equals(data)).toBe(true);
  });

  it('--rapid-only streams nothing and keeps no session: 115 has nothing to cancel, and no OSS upload is started', async () => {
    const emu = await emulator.get();
    const data = bytes(100 * 1024, 4);
    const src = new MemoryProvider('src', { listSha1: true });
    src.put('/f.bin', data);
    const checkpoint = new MemoryCheckpoint();
    const before = { ...emu.uploadStats };
    const dst = emulatorProvider(emu);
    const result = await transferFile({ src, srcEntry: await src.stat('/f.bin'), dst, dstPath: '/handover/only.bin' }, { rapidOnly: true, checkpoint });
    expect(result.kind).toBe('missed');
    expect(emu.uploadStats.opened - before.opened).toBe(1);
    expect(emu.uploadStats.multiparts - before.multiparts).toBe(0);
    expect(checkpoint.saved).toBeUndefined();
    await expect(dst.stat('/handover/only.bin')).rejects.toBeInstanceOf(NotFound);
  });
});

describe('Aliyun: a rapid miss hands its upload session over', () => {
  const fixture = aliyunOpenFixture();
  afterAll(async () => (await fixture).emulator.close());
  const creates = async () => (await fixture).emulator.stats.requests[ALIYUN_PATHS.create] ?? 0;
  const deletes = async () => (await fixture).emulator.stats.requests[ALIYUN_PATHS.delete] ?? 0;

  it('the streamed upload on a new provider instance continues it: one create for the file, no URL asked again', async () => {
    const { emulator, provider } = await fixture;
    await provider.mkdirp('/handover');
    const data = bytes(300 * 1024, 11);
    const [created, renewals] = [await creates(), emulator.stats.uploadUrlRenewals];
    const handover = await missOn(provider, '/handover/a.bin', data);
    const other = newProvider(emulator);
    const entry = await stream(await other.beginUpload!('/handover/a.bin', { size: data.length, sha1: sha1(data), resume: handover }), data);
    expect(entry.sha1).toBe(sha1(data));
    expect((await creates()) - created).toBe(1);
    expect(emulator.stats.uploadUrlRenewals - renewals).toBe(0);
    expect(emulator.read('/handover/a.bin')?.equals(data)).toBe(true);
  });

  it('a handover past its expiry is deleted and a fresh create opens the upload', async () => {
    const { emulator, provider } = await fixture;
    const data = bytes(200 * 1024, 12);
    const [created, deleted] = [await creates(), await deletes()];
    const stale = { ...(await missOn(provider, '/handover/stale.bin', data)), expires_at: Date.now() - 1 };
    await stream(await newProvider(emulator).beginUpload!('/handover/stale.bin', { size: data.length, sha1: sha1(data), resume: stale }), data);
    expect((await creates()) - created).toBe(2);
    expect((await deletes()) - deleted).toBe(1);
    expect(emulator.read('/handover/stale.bin')?.equals(data)).toBe(true);
    expect(emulator.uploadingFiles()).toBe(0);
  });

  it('a copy that fails after the miss continues on another worker from its checkpoint: one create', async () => {
    const { emulator, provider } = await fixture;
    const data = bytes(600 * 1024, 13);
    const second = newProvider(emulator);
    // Folders are made by create too: only the file's creates are counted.
    await second.mkdirp('/handover');
    const created = await creates();
    await copyOnTwoWorkers(provider, second, '/handover/worker.bin', data);
    expect((await creates()) - created).toBe(1);
    expect(emulator.read('/handover/worker.bin')?.equals(data)).toBe(true);
    expect(emulator.uploadingFiles()).toBe(0);
  });

  it('--rapid-only discards the session the miss opened: its file is deleted', async () => {
    const { emulator, provider } = await fixture;
    const data = bytes(100 * 1024, 14);
    const src = new MemoryProvider('src', { listSha1: true });
    src.put('/f.bin', data);
    const [created, deleted] = [await creates(), await deletes()];
    const result = await transferFile({ src, srcEntry: await src.stat('/f.bin'), dst: provider, dstPath: '/handover/only.bin' }, { rapidOnly: true });
    expect(result.kind).toBe('missed');
    expect((await creates()) - created).toBe(1);
    expect((await deletes()) - deleted).toBe(1);
    expect(emulator.uploadingFiles()).toBe(0);
    expect(emulator.read('/handover/only.bin')).toBeUndefined();
  });
});
