import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthError, type Entry, NotFound, type Provider } from '@ferry/core';
import { runConformanceSuite } from '@ferry/core/testing';
import { type P115EmulatorEndpoints, formatP115EmulatorJson, p115EmulatorOptions } from '@ferry/emulators';
import { P115Provider, p115Options } from '../src/index.js';
import { emulatorProvider, lazyEmulator } from './p115-helpers.js';

const emulator = lazyEmulator();
const MiB = 1024 * 1024;
afterAll(() => emulator.close());

let roots = 0;

runConformanceSuite({
  name: 'p115 (emulator)',
  async setup() {
    const emu = await emulator.get();
    // A fresh folder per test, used as root_id: also exercises paths relative to a non-zero root.
    const rootName = `conformance-${++roots}`;
    const root = emu.tree('alice').addFolder('0', rootName);
    // A session of its own (the tv slot), so a later login there logs out only this provider;
    // pauses of 1 ms, so persistent risk control ends in RateLimited within the test.
    const cookie = emu.login('alice', 'tv');
    const provider = emulatorProvider(emu, 0, { root_id: root.id, page_size: 7, cookie, backoff_ms: 1 });
    return {
      provider,
      seed: async (path, data) => void emu.putFile('alice', `${rootName}${path}`, data),
      faults: {
        denyAccess: () => void emu.login('alice', 'tv'),
        // 115 announces no wait: its risk control answers errno 911 until the cool-down ends.
        throttle: () => {
          emu.setRiskControl({ budget: 0, windowMs: 60_000, coolDownMs: 60_000, answer: 'errno911' });
          return {};
        },
      },
      cleanup: async () => {
        emu.setRiskControl(undefined);
        await provider.close();
      },
    };
  },
});

async function collect(entries: AsyncIterable<Entry>): Promise<Entry[]> {
  const out: Entry[] = [];
  for await (const e of entries) out.push(e);
  return out;
}

describe('p115 provider against the emulator', () => {
  it('declares itself a source and an upload target with rapid upload', async () => {
    const provider = emulatorProvider(await emulator.get());
    expect(provider.capabilities).toMatchObject({ read: true, write: true, rapidUpload: true, hashes: ['sha1'], rangeRead: true });
    expect(typeof provider.beginUpload).toBe('function');
    expect(typeof provider.tryRapidUpload).toBe('function');
    await provider.close();
  });

  it('is configured by the emulator\'s own account of its endpoints, in-process or as its --json line', async () => {
    const emu = await emulator.get();
    emu.putFile('alice', 'described/one.txt', Buffer.from('one'));
    const fromJson = p115EmulatorOptions(JSON.parse(formatP115EmulatorJson(emu)) as P115EmulatorEndpoints);
    expect(fromJson).toEqual(p115EmulatorOptions(emu));
    // Every name the emulator gives is an option the provider declares: a renamed option breaks here.
    expect(Object.keys(fromJson).filter((k) => !(k in p115Options.shape))).toEqual([]);
    const provider = new P115Provider('described', p115Options.parse({ cookie: emu.users[0]!.cookie, ...fromJson }));
    expect((await collect(provider.list('/described'))).map((e) => e.name)).toEqual(['one.txt']);
    await provider.close();
  });

  it('lists past several pages, reading numbers sent as strings and 19-digit ids', async () => {
    const emu = await emulator.get();
    const nodes = Array.from({ length: 23 }, (_, i) => emu.putFile('alice', `paged/f${i}.bin`, randomBytes(100 + i)));
    emu.tree('alice').addFolder(emu.tree('alice').folderByPath('paged')!, 'sub');
    const raw = await fetch(`${emu.hosts.webapi}/files?cid=${emu.tree('alice').folderByPath('paged')}&limit=50`, {
      headers: { cookie: emu.users[0]!.cookie },
    }).then((r) => r.json() as Promise<{ data: { s?: unknown }[] }>);
    expect(raw.data.some((d) => typeof d.s === 'string')).toBe(true);

    const provider = emulatorProvider(emu, 0, { page_size: 5 });
    const entries = await collect(provider.list('/paged'));
    expect(entries).toHaveLength(24);
    expect(entries[0]).toMatchObject({ name: 'sub', isDir: true });
    for (const node of nodes) {
      const e = entries.find((x) => x.name === node.name)!;
      expect(e).toMatchObject({ size: node.size, sha1: node.sha1.toLowerCase(), id: node.id, isDir: false });
      expect(e.id!.length).toBe(19);
    }
    await provider.close();
  });

  it('decodes escaped names and stats files and folders by path', async () => {
    const emu = await emulator.get();
    emu.putFile('alice', 'names/smile 😀.txt', Buffer.from('hi'));
    const provider = emulatorProvider(emu);
    const [entry] = await collect(provider.list('/names'));
    expect(entry!.name).toBe('smile 😀.txt');
    expect(await provider.stat('/names/smile 😀.txt')).toMatchObject({ size: 2, sha1: createHash('sha1').update('hi').digest('hex') });
    expect(await provider.stat('/names')).toMatchObject({ isDir: true });
    await expect(provider.stat('/names/missing')).rejects.toBeInstanceOf(NotFound);
    await provider.close();
  });

  it('reads through a dropped connection and a refused (expired) URL', async () => {
    const emu = await emulator.get();
    const data = randomBytes(3 * 1024 * 1024 + 5);
    emu.putFile('alice', 'faults/f.bin', data);
    const provider = emulatorProvider(emu, 0, { download_segment_size: 1 * MiB });
    const entry = await provider.stat('/faults/f.bin');
    emu.injectFault({ kind: 'drop', afterBytes: 100_000, times: 1 });
    emu.expireUrls(1_500_000);
    const chunks: Buffer[] = [];
    for await (const c of await provider.openRead(entry)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    await provider.close();
  });

  it('reads a cookie-bound (f=3) URL with the cookie its downurl reply set, renewals included', async () => {
    const emu = await emulator.get();
    const data = randomBytes(3 * 1024 * 1024 + 9);
    emu.putFile('alice', 'cookie-bound/f.bin', data);
    emu.setCookieBoundUrls({ app: true });
    try {
      const provider = emulatorProvider(emu, 0, { download_segment_size: 1 * MiB });
      const entry = await provider.stat('/cookie-bound/f.bin');
      const refusedBefore = emu.cdnRefused;
      emu.expireUrls(1_500_000);
      const chunks: Buffer[] = [];
      for await (const c of await provider.openRead(entry)) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).equals(data)).toBe(true);
      // One refusal: the URL that expired mid-file; the renewed URL came with its own cookie.
      expect(emu.cdnRefused - refusedBefore).toBe(1);
      await provider.close();
    } finally {
      emu.setCookieBoundUrls({ app: false });
    }
  });

  it('m115 round trip against the emulator key; 115\'s real modulus does not open the emulator', async () => {
    const emu = await emulator.get();
    emu.putFile('alice', 'm115/x.txt', Buffer.from('m115'));
    const ok = emulatorProvider(emu);
    expect((await ok.readRange(await ok.stat('/m115/x.txt'), 0, 4)).toString()).toBe('m115');
    const realKey = emulatorProvider(emu, 0, { rsa_n: undefined, rsa_e: undefined });
    await expect(realKey.readRange(await realKey.stat('/m115/x.txt'), 0, 4)).rejects.toThrow(/990002|参数错误/);
    await Promise.all([ok.close(), realKey.close()]);
  });

  it('makes folders, renames, moves and removes', async () => {
    const emu = await emulator.get();
    emu.putFile('alice', 'ops/a.txt', Buffer.from('a'));
    const provider = emulatorProvider(emu);
    await provider.mkdirp('/ops/x/y');
    await provider.mkdirp('/ops/x/y');
    expect(await provider.stat('/ops/x/y')).toMatchObject({ isDir: true });
    await provider.move('/ops/a.txt', '/ops/x/y/b.txt');
    expect(await provider.stat('/ops/x/y/b.txt')).toMatchObject({ size: 1 });
    await expect(provider.stat('/ops/a.txt')).rejects.toBeInstanceOf(NotFound);
    await provider.remove('/ops/x');
    await expect(provider.stat('/ops/x/y/b.txt')).rejects.toBeInstanceOf(NotFound);
    await provider.close();
  });

  it('an unknown cookie says how to log in again', async () => {
    const emu = await emulator.get();
    const provider = emulatorProvider(emu, 0, { cookie: 'UID=1_A1_1; CID=x; SEID=y' });
    await expect(collect(provider.list('/'))).rejects.toThrow(/115 session expired: run `ferry login p115 em`/);
    await expect(collect(provider.list('/'))).rejects.toBeInstanceOf(AuthError);
    await provider.close();
  });
});

describe('p115 hostile names', () => {
  it('names from a listing that would escape are refused when copying to local disk', async () => {
    const { runTransfer } = await import('@ferry/core');
    const { LocalProvider } = await import('../src/index.js');
    const emu = await emulator.get();
    const tree = emu.tree('alice');
    const dir = tree.folderByPath('hostile', true)!;
    emu.putFile('alice', 'hostile/ok.txt', Buffer.from('ok'));
    for (const name of ['..', '.', '../../escape.txt', 'a\\..\\b', 'x\0y']) {
      tree.addFile(dir, name, { kind: 'memory', data: Buffer.from('evil') }, 4, createHash('sha1').update('evil').digest('hex'));
    }
    const parent = await mkdtemp(join(tmpdir(), 'ferry-p115-hostile-'));
    const root = join(parent, 'root');
    await fs.mkdir(root);
    const source = emulatorProvider(emu);
    const summary = await runTransfer({
      source: { provider: source, path: '/hostile', display: 'em:/hostile' },
      target: { provider: new LocalProvider('local', root), path: '/', display: root },
      mode: 'copy',
      retries: 0,
    });
    expect(summary.copied).toBe(1);
    expect(summary.failed).toBe(5);
    expect(await fs.readdir(parent)).toEqual(['root']);
    expect(await fs.readdir(root)).toEqual(['ok.txt']);
    await source.close();
    await fs.rm(parent, { recursive: true, force: true });
  });
});
