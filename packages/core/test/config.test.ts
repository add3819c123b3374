import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { BadInput, ConfigStore, registerProvider, resolveLocation } from '../src/index.js';
import { MemoryProvider } from '../src/testing/index.js';

beforeAll(() => {
  registerProvider({
    type: 'memtest',
    description: 'test',
    options: z.object({ token: z.string().describe('secret token'), page: z.number().default(100) }),
    secrets: ['token'],
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

  it('resolves remotes and names unknown ones', () => {
    const config = { remotes: { m: { type: 'memtest', token: 'x' } }, defaults: {} };
    const loc = resolveLocation('m:/a/b', config);
    expect(loc.path).toBe('/a/b');
    expect(loc.provider.remote).toBe('m');
    expect(() => resolveLocation('zz:/a', config)).toThrow(/unknown remote 'zz'/);
  });
});
