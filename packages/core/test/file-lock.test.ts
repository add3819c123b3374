import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { BadInput, ConfigStore, TransientError, registerProvider, sleep, withFileLock } from '../src/index.js';
import { MemoryProvider } from '../src/testing/index.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'ferry-lock-'));
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

/** The most holders inside the lock at once, of `count` started together. */
async function mostAtOnce(lock: string, count: number): Promise<number> {
  let inside = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: count }, () =>
      withFileLock(lock, async () => {
        inside++;
        most = Math.max(most, inside);
        await sleep(5);
        inside--;
      }),
    ),
  );
  return most;
}

describe('lock file', () => {
  it('lets one holder in at a time', async () => {
    const lock = join(await tempDir(), 'x.lock');
    expect(await mostAtOnce(lock, 12)).toBe(1);
    await expect(fs.stat(lock)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('lets one holder in at a time when many find the same stale lock together', async () => {
    const lock = join(await tempDir(), 'x.lock');
    await fs.writeFile(lock, JSON.stringify({ pid: await deadPid(), host: hostname(), nonce: 'dead' }));
    expect(await mostAtOnce(lock, 12)).toBe(1);
    await expect(fs.stat(lock)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('takes over a lock whose holder on this host is dead', async () => {
    const lock = join(await tempDir(), 'x.lock');
    await fs.writeFile(lock, JSON.stringify({ pid: await deadPid(), host: hostname(), nonce: 'dead' }));
    await expect(withFileLock(lock, async () => 'ran', { waitMs: 30_000 })).resolves.toBe('ran');
    await expect(fs.stat(lock)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('takes over a lock nobody touched for longer than the bound (a holder elsewhere, or hung)', async () => {
    const lock = join(await tempDir(), 'x.lock');
    await fs.writeFile(lock, JSON.stringify({ pid: 1, host: 'another-host', nonce: 'old' }));
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(lock, old, old);
    await expect(withFileLock(lock, async () => 'ran', { staleMs: 10_000, waitMs: 30_000 })).resolves.toBe('ran');
  });

  it('waits for a live holder and gives up with a retryable error naming it, leaving its lock alone', async () => {
    const lock = join(await tempDir(), 'x.lock');
    const held = JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'live' });
    await fs.writeFile(lock, held);
    const err = await withFileLock(lock, async () => 'ran', { waitMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect(String(err)).toContain(`process ${process.pid}`);
    expect(await fs.readFile(lock, 'utf8')).toBe(held);
  });

  it('refuses in one line, before running anything, where no lock file can be created', async () => {
    const dir = await tempDir();
    await fs.writeFile(join(dir, 'file'), 'not a folder');
    let ran = false;
    const err = await withFileLock(join(dir, 'file', 'x.lock'), async () => {
      ran = true;
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInput);
    expect(String(err)).toMatch(/cannot create the lock file .*x\.lock \(\w+\); .* must be writable$/);
    expect(ran).toBe(false);
  });

  it('is freed when the holder fails', async () => {
    const lock = join(await tempDir(), 'x.lock');
    await expect(withFileLock(lock, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(withFileLock(lock, async () => 'again')).resolves.toBe('again');
  });
});

describe('config store under its lock', () => {
  beforeAll(() => {
    registerProvider({
      type: 'locktest',
      description: 'test',
      options: z.object({ token: z.string() }),
      secrets: ['token'],
      create: (remote) => new MemoryProvider(remote),
    });
  });

  it('keeps every concurrent change: no writer puts back what it read before another one saved', async () => {
    const path = join(await tempDir(), 'ferry.config.json');
    const names = Array.from({ length: 10 }, (_, i) => `r${i}`);
    await new ConfigStore(path).save({ remotes: Object.fromEntries(names.map((n) => [n, { type: 'locktest', token: 'old' }])), defaults: {} });
    await Promise.all(names.map((n) => new ConfigStore(path).updateRemote(n, { token: `new-${n}` })));
    const config = await new ConfigStore(path).load();
    for (const n of names) expect(config.remotes[n]).toEqual({ type: 'locktest', token: `new-${n}` });
  });

  it('gives each named lock its own file beside the config, gone once released', async () => {
    const dir = await tempDir();
    const store = new ConfigStore(join(dir, 'ferry.config.json'));
    const during = await store.withLock('aliyun-open:ali', async () => fs.readdir(dir));
    expect(during).toEqual(['ferry.config.json.aliyun-open_ali.lock']);
    expect(await fs.readdir(dir)).toEqual([]);
  });
});
