import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, BadInput, NotFound, type Location, runTransfer } from '@ferry/core';
import { MemoryProvider, runConformanceSuite } from '@ferry/core/testing';
import { copyRanges } from '../src/s3/part-copy.js';
import { type S3Emulator, bytes, putRaw, rawClient, s3Provider, startS3Emulator } from './s3-helpers.js';

let emu: S3Emulator;
let fixtures = 0;
beforeAll(async () => {
  emu = await startS3Emulator();
});
afterAll(() => emu.close());

function sha1(data: Buffer | string): string {
  return createHash('sha1').update(data).digest('hex');
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

runConformanceSuite({
  name: 's3 (s3rver)',
  async setup() {
    const prefix = `conformance-${++fixtures}`;
    const client = rawClient(emu);
    return {
      // Small parts, so the suite's 3 MiB upload is a multipart one.
      provider: s3Provider(emu, { prefix }),
      seed: (path, data) => putRaw(client, emu, `${prefix}${path}`, data),
      faults: {
        denyAccess: () => emu.injectFault({ code: 'AccessDenied', status: 403, times: 1000 }),
        // S3 announces no wait with SlowDown. Enough answers to outlast the SDK's own retries.
        throttle: () => {
          emu.injectFault({ code: 'SlowDown', status: 503, times: 1000 });
          return {};
        },
      },
      cleanup: async () => {
        emu.clearFaults();
        client.destroy();
      },
    };
  },
});

describe('s3 provider', () => {
  it('understands zero-byte folder markers and never lists them as files', async () => {
    const client = rawClient(emu);
    await putRaw(client, emu, 'markers/empty/', Buffer.alloc(0));
    await putRaw(client, emu, 'markers/', Buffer.alloc(0));
    await putRaw(client, emu, 'markers/a.txt', Buffer.from('a'));
    const provider = s3Provider(emu, { prefix: 'markers' });
    const listed = [];
    for await (const e of provider.list('/')) listed.push(`${e.name}${e.isDir ? '/' : ''}`);
    expect(listed.sort()).toEqual(['a.txt', 'empty/']);
    expect((await provider.stat('/empty')).isDir).toBe(true);
    expect([]).toEqual(await (async () => {
      const inside = [];
      for await (const e of provider.list('/empty')) inside.push(e.name);
      return inside;
    })());
  });

  it('stores the mtime as rclone does and the SHA-1 as metadata, and lists both', async () => {
    const provider = s3Provider(emu, { prefix: 'meta', part_size: 5 * 1024 * 1024 });
    const client = rawClient(emu);
    const small = bytes(1000, 2);
    const large = bytes(11 * 1024 * 1024 + 5, 4);
    const mtime = Date.UTC(2021, 4, 6, 7, 8, 9, 123);
    const src = new MemoryProvider('mem');
    src.put('/small.bin', small, mtime);
    src.put('/large.bin', large, mtime);
    src.put('/empty.bin', Buffer.alloc(0), mtime);
    const source: Location = { provider: src, path: '/', display: 'mem:/' };
    const target: Location = { provider, path: '/', display: 's3:/' };
    const summary = await runTransfer({ source, target, mode: 'copy' });
    expect(summary.failed).toBe(0);
    expect(summary.copied).toBe(3);
    const head = await client.send(new HeadObjectCommand({ Bucket: emu.bucket, Key: 'meta/large.bin' }));
    expect(head.Metadata).toEqual({ mtime: '1620284889.123000000', sha1: sha1(large) });
    const listed = new Map<string, { sha1?: string; mtime?: number; size: number }>();
    for await (const e of provider.list('/')) listed.set(e.name, e);
    expect(listed.get('small.bin')).toMatchObject({ size: 1000, sha1: sha1(small), mtime });
    expect(listed.get('large.bin')).toMatchObject({ size: large.length, sha1: sha1(large), mtime });
    expect(listed.get('empty.bin')).toMatchObject({ size: 0, sha1: sha1(Buffer.alloc(0)), mtime });
    expect(await emu.pendingUploads()).toEqual([]);
  });

  it('uploads parts in parallel yet resumes from the unbroken run the server confirmed', async () => {
    const provider = s3Provider(emu, { prefix: 'parallel', part_size: 5 * 1024 * 1024, upload_concurrency: 3 });
    const data = bytes(5 * 1024 * 1024 * 4 + 100, 6);
    const session = await provider.beginUpload('/p.bin', { size: data.length });
    const partSize = session.partSize;
    for (let index = 0; index * partSize < data.length; index++) {
      const offset = index * partSize;
      const length = Math.min(partSize, data.length - offset);
      await session.writePart({ index, offset, length, data: Readable.from([data.subarray(offset, offset + length)]) });
      // Never more claimed than written, and `state()` names exactly the parts `offset` counts.
      const state = session.state() as { parts: unknown[] };
      const claimed = session.offset;
      expect(claimed).toBeLessThanOrEqual(offset + length);
      expect(claimed).toBe(Math.min(data.length, state.parts.length * partSize));
    }
    const state = session.state();
    const claimed = session.offset;
    const resumed = await provider.beginUpload('/p.bin', { size: data.length, resume: state });
    expect(resumed.offset).toBe(claimed);
    await session.complete({ sha1: sha1(data) });
    const entry = await provider.stat('/p.bin');
    expect(entry.sha1).toBe(sha1(data));
    expect((await readAll(await provider.openRead(entry))).equals(data)).toBe(true);
  });

  it('copies inside one bucket server-side, keeping the metadata', async () => {
    const provider = s3Provider(emu, { prefix: 'sscopy' });
    const other = s3Provider(emu, { prefix: 'sscopy-dst' }, 's3b');
    const data = bytes(4000, 8);
    const session = await provider.beginUpload('/tree/x.bin', { size: data.length, mtime: 1_600_000_000_000 });
    await session.writePart({ index: 0, offset: 0, length: data.length, data: Readable.from([data]) });
    await session.complete({ sha1: sha1(data) });
    expect(other.serverImport.canImportFrom(provider)).toBe(true);
    const summary = await runTransfer({
      source: { provider, path: '/tree', display: 's3:/tree' },
      target: { provider: other, path: '/copied', display: 's3b:/copied' },
      mode: 'copy',
    });
    expect(summary.failed).toBe(0);
    const landed = await other.stat('/copied/x.bin');
    expect(landed).toMatchObject({ size: 4000, sha1: sha1(data), mtime: 1_600_000_000_000 });
  });

  it('copies past copy_cutoff in ranges, streaming when the server lacks UploadPartCopy', async () => {
    const mib = 1024 * 1024;
    const provider = s3Provider(emu, { prefix: 'partcopy' });
    const other = s3Provider(emu, { prefix: 'partcopy-dst', copy_cutoff: 5 * mib, part_size: 5 * mib }, 's3b');
    const data = bytes(12 * mib, 9);
    const session = await provider.beginUpload('/big.bin', { size: data.length, sha1: sha1(data), mtime: 1_650_000_000_000 });
    for (let index = 0, offset = 0; offset < data.length; index++, offset += session.partSize) {
      const part = data.subarray(offset, offset + session.partSize);
      await session.writePart({ index, offset, length: part.length, data: Readable.from([part]) });
    }
    await session.complete({ sha1: sha1(data) });
    const sent: string[] = [];
    (await other.connection()).client.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
    const summary = await runTransfer({
      source: { provider, path: '/big.bin', display: 's3:/big.bin' },
      target: { provider: other, path: '/', display: 's3b:/' },
      mode: 'copy',
    });
    expect(summary.failed).toBe(0);
    // s3rver answers UploadPartCopy with NotImplemented: the copy was tried in ranges, then streamed.
    expect(sent).toContain('UploadPartCopyCommand');
    expect(sent).not.toContain('CopyObjectCommand');
    const landed = await other.stat('/big.bin');
    expect(landed).toMatchObject({ size: data.length, sha1: sha1(data), mtime: 1_650_000_000_000 });
    expect((await readAll(await other.openRead(landed))).equals(data)).toBe(true);
  });

  it('cuts a part copy into ranges of the cutoff, grown to fit 10,000 parts', () => {
    const mib = 1024 * 1024;
    expect(copyRanges(12 * mib, 5 * mib)).toEqual([`bytes=0-${5 * mib - 1}`, `bytes=${5 * mib}-${10 * mib - 1}`, `bytes=${10 * mib}-${12 * mib - 1}`]);
    const huge = 60_000 * mib;
    const ranges = copyRanges(huge, 5 * mib);
    expect(ranges.length).toBeLessThanOrEqual(10_000);
    expect(ranges.at(-1)).toMatch(new RegExp(`-${huge - 1}$`));
  });

  it('types its errors: unknown bucket, unknown key id, refused connections', async () => {
    await expect(s3Provider(emu, { bucket: 'no-such-bucket' }).stat('/')).rejects.toSatisfy(
      (err: Error) => err instanceof BadInput && /bucket 'no-such-bucket' does not exist/.test(err.message),
    );
    await expect(s3Provider(emu, { access_key_id: 'WRONG' }).stat('/')).rejects.toBeInstanceOf(AuthError);
    const refused = s3Provider({ ...emu, endpoint: 'http://127.0.0.1:1' });
    await expect(refused.stat('/')).rejects.toSatisfy((err: Error) => /cannot reach S3 endpoint http:\/\/127\.0\.0\.1:1/.test(err.message));
    await expect(s3Provider(emu).stat('/nothing/here')).rejects.toBeInstanceOf(NotFound);
  });
});
