import { createHash, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { type Location, runTransfer } from '@ferry/core';
import { aliyunOpenFixture } from './aliyun-open-helpers.js';
import { emulatorProvider, lazyEmulator } from './p115-helpers.js';

const MiB = 1024 * 1024;
const emulator = lazyEmulator(['alice']);
afterAll(() => emulator.close());

describe('115 -> Aliyun', () => {
  it('lands a large file Aliyun already holds by rapid upload, reading a few KiB from 115', async () => {
    const emu = await emulator.get();
    const film = randomBytes(256 * MiB);
    emu.putFile('alice', '/films/film.mkv', film);
    const small = randomBytes(300 * 1024);
    emu.putFile('alice', '/films/notes.txt', small);
    const ali = await aliyunOpenFixture();
    ali.emulator.addBlob(film);
    const source: Location = { provider: emulatorProvider(emu), path: '/films', display: 'em:/films' };
    const target: Location = { provider: ali.provider, path: '/films', display: 'ali:/films' };

    const cdnBefore = emu.cdnBytesServed;
    const summary = await runTransfer({ source, target, mode: 'copy' });
    expect(summary).toMatchObject({ rapid: 1, copied: 1, failed: 0 });
    // The streamed notes cost their own bytes; the film only its pre-hash KiB and 8 proof bytes.
    const filmBytesFrom115 = emu.cdnBytesServed - cdnBefore - small.length;
    expect(filmBytesFrom115).toBeGreaterThan(0);
    expect(filmBytesFrom115).toBeLessThan(8 * 1024);
    const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');
    expect(sha1(ali.emulator.read('/films/film.mkv')!)).toBe(sha1(film));
    expect(ali.emulator.read('/films/notes.txt')?.equals(small)).toBe(true);
    await ali.emulator.close();
  });
});
