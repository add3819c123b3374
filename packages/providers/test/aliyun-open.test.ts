import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AuthError, BadInput, IntegrityError } from '@ferry/core';
import { runConformanceSuite } from '@ferry/core/testing';
import { ALIYUN_PATHS } from '@ferry/protocols';
import { aliyunOpenEmulatorOptions } from '@ferry/emulators';
import { AliyunOpenProvider, aliyunOpenOptions } from '../src/index.js';
import { aliyunOpenFixture, bytes, newProvider } from './aliyun-open-helpers.js';

runConformanceSuite({
  name: 'aliyun-open (over the emulator)',
  async setup() {
    // 1 MiB parts so the suite's 3 MiB upload goes in several parts.
    const { emulator, provider } = await aliyunOpenFixture({}, { part_size: 1024 * 1024 });
    return {
      provider,
      seed: async (path, data) => emulator.put(path, data),
      faults: {
        denyAccess: () => emulator.revokeAuthorization(),
        throttle: () => {
          const retryAfterMs = 1500;
          for (const on of [ALIYUN_PATHS.getByPath, ALIYUN_PATHS.get, ALIYUN_PATHS.list]) emulator.inject({ kind: 'throttle', on, retryAfterMs, times: 1000 });
          return { announcedMs: retryAfterMs };
        },
      },
      cleanup: () => emulator.close(),
    };
  },
});

describe('aliyun-open provider', () => {
  it('lists with SHA-1 across marker pages', async () => {
    const { emulator, provider } = await aliyunOpenFixture();
    try {
      for (let i = 0; i < 230; i++) emulator.put(`/many/f${String(i).padStart(3, '0')}`, Buffer.from(String(i)));
      const seen = new Map<string, string | undefined>();
      for await (const e of provider.list('/many')) seen.set(e.name, e.sha1);
      expect(seen.size).toBe(230);
      expect(seen.get('f007')).toBe(createHash('sha1').update('7').digest('hex'));
      expect(emulator.stats.requests['/adrive/v1.0/openFile/list']).toBe(3);
    } finally {
      await emulator.close();
    }
  });

  it('moves under another name: move keeps the name unless it clashes, so a rename follows', async () => {
    const { emulator, provider } = await aliyunOpenFixture();
    try {
      emulator.put('/from/x.txt', Buffer.from('x'));
      emulator.put('/to/keep.txt', Buffer.from('k'));
      await expect(provider.move!('/from/x.txt', '/to/y.txt')).resolves.toMatchObject({ name: 'y.txt', isDir: false });
      expect(emulator.names('/to')).toEqual(['keep.txt', 'y.txt']);
      expect(emulator.names('/from')).toEqual([]);
      emulator.put('/from/z.txt', Buffer.from('z'));
      await expect(provider.move!('/from/z.txt', '/to/keep.txt')).rejects.toThrow(/name is taken; nothing was moved/);
      expect(emulator.names('/from')).toEqual(['z.txt']);
    } finally {
      await emulator.close();
    }
  });

  it('persists the rotated refresh token, and a spent token is refused as AuthError', async () => {
    const { emulator } = await aliyunOpenFixture();
    try {
      const spent = emulator.issueRefreshToken();
      const saved: Record<string, unknown>[] = [];
      const first = newProvider(emulator, { refresh_token: spent }, saved);
      await first.stat('/');
      await first.mkdirp('/a');
      expect(saved).toHaveLength(1);
      expect(saved[0]!.refresh_token).not.toBe(spent);
      // The same token in another process: it was spent by the first refresh.
      const other = new AliyunOpenProvider(
        'ali',
        aliyunOpenOptions.parse(aliyunOpenEmulatorOptions(emulator, spent)),
      );
      await expect(other.stat('/a')).resolves.toMatchObject({ isDir: true });
      expect(emulator.stats.refreshGrants).toBe(1);
    } finally {
      await emulator.close();
    }
  });

  it('reads through the token-refresh service URL', async () => {
    const { emulator } = await aliyunOpenFixture();
    try {
      emulator.put('/t.txt', bytes(10));
      const p = newProvider(emulator, { client_id: '', client_secret: '', token_url: emulator.token_url });
      expect((await p.stat('/t.txt')).size).toBe(10);
    } finally {
      await emulator.close();
    }
  });

  it('refuses a spent refresh token with AuthError', async () => {
    const { emulator } = await aliyunOpenFixture();
    try {
      const token = emulator.issueRefreshToken();
      const res = await fetch(`${emulator.base}/oauth/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: emulator.client_id, client_secret: emulator.client_secret, grant_type: 'refresh_token', refresh_token: token }),
      });
      expect(res.status).toBe(200);
      await expect(newProvider(emulator, { refresh_token: token }).stat('/')).rejects.toBeInstanceOf(AuthError);
    } finally {
      await emulator.close();
    }
  });

  it('works in the resource drive, and says so when the drive was not granted', async () => {
    const { emulator } = await aliyunOpenFixture();
    try {
      emulator.put('/res.txt', Buffer.from('resource'), 'resource');
      const p = newProvider(emulator, { drive: 'resource' });
      expect((await p.stat('/res.txt')).size).toBe(8);
      await expect(newProvider(emulator).stat('/res.txt')).rejects.toThrow(/not found/);
    } finally {
      await emulator.close();
    }
    const ungranted = await aliyunOpenFixture({ grantResourceDrive: false }, { drive: 'resource' });
    try {
      await expect(ungranted.provider.stat('/')).rejects.toBeInstanceOf(BadInput);
    } finally {
      await ungranted.emulator.close();
    }
  });

  it('shows a folder given by root_id as "/", walking paths by listing', async () => {
    const { emulator } = await aliyunOpenFixture();
    try {
      emulator.put('/outside.txt', Buffer.from('no'));
      emulator.put('/base/in/deep.txt', Buffer.from('deep'));
      const base = await newProvider(emulator).stat('/base');
      const p = newProvider(emulator, { root_id: base.id!, part_size: 100 * 1024 });
      expect(await p.stat('/in/deep.txt')).toMatchObject({ path: '/in/deep.txt', size: 4, sha1: createHash('sha1').update('deep').digest('hex') });
      await expect(p.stat('/outside.txt')).rejects.toThrow(/no such file/);
      await p.mkdirp('/made/here');
      const data = bytes(250_000, 4);
      const session = await p.beginUpload('/made/here/f.bin', { size: data.length });
      for (let off = 0, index = 0; off < data.length; off += session.partSize, index++) {
        const length = Math.min(session.partSize, data.length - off);
        await session.writePart({ index, offset: off, length, data: Readable.from([data.subarray(off, off + length)]) });
      }
      const landed = await session.complete({ sha1: createHash('sha1').update(data).digest('hex') });
      expect(landed.path).toBe('/made/here/f.bin');
      expect(emulator.read('/base/made/here/f.bin')!.equals(data)).toBe(true);
    } finally {
      await emulator.close();
    }
  });

  it('fails an upload whose landed SHA-1 differs from the one read, and removes it', async () => {
    const { emulator, provider } = await aliyunOpenFixture();
    try {
      const data = bytes(1000, 2);
      const session = await provider.beginUpload('/bad.bin', { size: data.length });
      await session.writePart({ index: 0, offset: 0, length: data.length, data: Readable.from([data]) });
      await expect(session.complete({ sha1: '0'.repeat(40) })).rejects.toBeInstanceOf(IntegrityError);
      expect(emulator.names('/')).toEqual([]);
    } finally {
      await emulator.close();
    }
  });
});
