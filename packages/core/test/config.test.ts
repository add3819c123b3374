import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BadInput,
  ConfigStore,
  byteSize,
  describeOptions,
  getProviderFactory,
  knownProviderTypes,
  parseOptionArgs,
  parseRemote,
  registerProvider,
  renamedFromMib,
  resolveLocation,
} from '../src/index.js';
import { MemoryProvider } from '../src/testing/index.js';

beforeAll(() => {
  registerProvider({
    type: 'memtest',
    description: 'test',
    options: z.object({ token: z.string().describe('secret token'), page: z.number().default(100) }),
    secrets: ['token'],
    create: (remote) => new MemoryProvider(remote),
  });
  registerProvider({
    type: 'memformer',
    description: 'test',
    options: z.object({ chunk_size: byteSize().min(1024).default(8 * 1024 * 1024).describe('bytes per chunk'), page: z.number().default(100) }),
    secrets: [],
    formerOptions: { chunk_mib: renamedFromMib('chunk_size'), policy: { retired: 'the engine decides' } },
    create: (remote) => new MemoryProvider(remote),
  });
  registerProvider({
    type: 'mem-renamed',
    legacyTypes: ['memold'],
    description: 'test',
    options: z.object({ token: z.string() }),
    secrets: [],
    create: (remote) => new MemoryProvider(remote),
  });
});

describe('config store', () => {
  it('writes atomically with mode 0600 and reads back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-cfg-'));
    const store = new ConfigStore(join(dir, 'sub', 'ferry.config.json'));
    expect(await store.load()).toEqual({ remotes: {}, defaults: {} });
    await store.save({ remotes: { m: { type: 'memtest', token: 't' } }, defaults: {} });
    const st = await fs.stat(store.path);
    expect(st.mode & 0o777).toBe(0o600);
    expect((await fs.readdir(join(dir, 'sub'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    await store.updateRemote('m', { token: 'rotated' });
    expect((await store.load()).remotes.m).toEqual({ type: 'memtest', token: 'rotated' });
  });

  it('names the field of a bad config in one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-cfg-'));
    const store = new ConfigStore(join(dir, 'c.json'));
    await fs.writeFile(store.path, '{"remotes": ');
    await expect(store.load()).rejects.toThrow(BadInput);
    await fs.writeFile(store.path, JSON.stringify({ remotes: {}, defaults: { transfers: 0 } }));
    await expect(store.load()).rejects.toThrow(/defaults\.transfers/);
  });

  it("checks a remote's type and options when it is used, naming the remote", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-cfg-'));
    const store = new ConfigStore(join(dir, 'c.json'));
    const remotes = { num: { type: 'memtest', token: 5 }, none: { type: 'memtest' }, odd: { type: 'nosuch' }, ok: { type: 'memtest', token: 't' } };
    await fs.writeFile(store.path, JSON.stringify({ remotes }));
    const config = await store.load();
    expect(config.remotes).toEqual(remotes);
    expect(resolveLocation('ok:/', config).provider.remote).toBe('ok');
    expect(() => resolveLocation('num:/', config)).toThrow(/^remote 'num': token: .*string/);
    expect(() => resolveLocation('none:/', config)).toThrow(/^remote 'none': token: required option is missing/);
    expect(() => resolveLocation('odd:/', config)).toThrow(/^remote 'odd' has unknown type 'nosuch' \(known types: .*memtest.*\)/);
  });

  it('reads a remote of a legacy type name under the current one, and saves it so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-cfg-'));
    const store = new ConfigStore(join(dir, 'c.json'));
    await fs.writeFile(store.path, JSON.stringify({ remotes: { old: { type: 'memold', token: 't' }, other: { type: 'memtest', token: 'u' } } }));
    const config = await store.load();
    expect(config.remotes).toEqual({ old: { type: 'mem-renamed', token: 't' }, other: { type: 'memtest', token: 'u' } });
    expect(resolveLocation('old:/a', config).provider.remote).toBe('old');
    await store.updateRemote('other', { token: 'v' });
    expect(JSON.parse(await fs.readFile(store.path, 'utf8')).remotes.old).toEqual({ type: 'mem-renamed', token: 't' });
    expect(knownProviderTypes()).not.toContain('memold');
  });

  it('resolves an inline remote of a hyphenated type, and of its legacy name (as queued jobs carry it)', () => {
    const config = { remotes: {}, defaults: {} };
    for (const arg of [':mem-renamed,token=t:/a', ':memold,token=t:/a']) {
      const loc = resolveLocation(arg, config);
      expect(loc.path, arg).toBe('/a');
      expect(loc.provider.remote, arg).toBe(arg.slice(0, arg.lastIndexOf(':')));
    }
  });

  it('resolves remotes and names unknown ones', () => {
    const config = { remotes: { m: { type: 'memtest', token: 'x' } }, defaults: {} };
    const loc = resolveLocation('m:/a/b', config);
    expect(loc.path).toBe('/a/b');
    expect(loc.provider.remote).toBe('m');
    expect(() => resolveLocation('zz:/a', config)).toThrow(/unknown remote 'zz'/);
  });

  it('reads a former option under its new name and unit, drops a retired one, and lets a new key win', () => {
    const factory = getProviderFactory('memformer');
    expect(parseRemote('old', { type: 'memformer', chunk_mib: 2, policy: 'skip', page: 5 }).options).toEqual({ chunk_size: 2 * 1024 * 1024, page: 5 });
    expect(parseRemote('both', { type: 'memformer', chunk_mib: 2, chunk_size: 4096 }).options).toEqual({ chunk_size: 4096, page: 100 });
    expect(() => parseRemote('bad', { type: 'memformer', chunk_mib: 'big' })).toThrow(/^remote 'bad': chunk_size: /);
    const inline = resolveLocation(':memformer,chunk_mib=3,policy=rename:/x', { remotes: {}, defaults: {} });
    expect(inline.path).toBe('/x');
    expect(() => parseOptionArgs(factory, ['chunk_mb=1'])).toThrow(/has no option 'chunk_mb'/);
  });

  it("shows a byteSize option as a size and reads rclone's suffixes in key=value, a bare number as bytes", () => {
    const factory = getProviderFactory('memformer');
    expect(describeOptions(factory).map((o) => [o.name, o.type, o.default])).toEqual([
      ['chunk_size', 'size', 8 * 1024 * 1024],
      ['page', 'number', 100],
    ]);
    expect(parseOptionArgs(factory, ['chunk_size=16M'])).toEqual({ chunk_size: 16 * 1024 * 1024 });
    expect(parseOptionArgs(factory, ['chunk_size=16Mi'])).toEqual({ chunk_size: 16 * 1024 * 1024 });
    expect(parseOptionArgs(factory, ['chunk_size=1.5K'])).toEqual({ chunk_size: 1536 });
    expect(parseOptionArgs(factory, ['chunk_size=4096'])).toEqual({ chunk_size: 4096 });
    expect(() => parseOptionArgs(factory, ['chunk_size=lots'])).toThrow(/option 'chunk_size' takes a size like 512K, 16M or 1G/);
  });
});
