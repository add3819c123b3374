import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { BadInput, ConfigStore, knownProviderTypes, registerProvider, resolveLocation } from '../src/index.js';
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
});
