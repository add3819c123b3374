import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTransfer } from '@ferry/core';
import { type P115Emulator, startP115Emulator } from '@ferry/emulators';
import { LocalProvider } from '../src/index.js';
import { emulatorProvider } from './p115-helpers.js';

/** Size of the big file; FERRY_P115_BIG_MIB overrides it (1024 for the full 1 GiB run). */
const MiB = 1024 * 1024;
const BIG_MIB = Number(process.env['FERRY_P115_BIG_MIB'] ?? 1024);

async function sha1OfFile(path: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function writeBig(path: string, mib: number): Promise<void> {
  const handle = await fs.open(path, 'w');
  try {
    const block = randomBytes(8 * 1024 * 1024);
    for (let i = 0; i < mib / 8; i++) {
      block.writeUInt32LE(i, 0);
      await handle.write(block);
    }
  } finally {
    await handle.close();
  }
}

let emu: P115Emulator | undefined;
afterAll(() => emu?.close());

describe('p115 -> local copy', () => {
  it(`copies a tree with a ${BIG_MIB} MiB file, verified by SHA-1, while its URL expires mid-file`, async () => {
    const work = await mkdtemp(join(tmpdir(), 'ferry-p115-copy-'));
    const seed = join(work, 'seed');
    await fs.mkdir(join(seed, 'videos', 'deep'), { recursive: true });
    await writeBig(join(seed, 'videos', 'big.bin'), BIG_MIB);
    for (let i = 0; i < 12; i++) await fs.writeFile(join(seed, 'videos', 'deep', `small-${i}.txt`), randomBytes(i * 331));
    await fs.writeFile(join(seed, 'readme.txt'), 'hello');
    emu = await startP115Emulator({ seedDir: seed });
    const big = emu.tree('alice').nodeByPath('videos/big.bin')!;
    const size = BIG_MIB * 1024 * 1024;

    // Every URL issued so far dies once half of the big file has left the CDN.
    emu.injectFault({ kind: 'expireUrls', afterBytes: size / 2 });
    const target = join(work, 'target');
    await fs.mkdir(target);
    const source = emulatorProvider(emu, 0, { download_segment_size: 16 * MiB });
    const summary = await runTransfer({
      source: { provider: source, path: '/', display: 'em:/' },
      target: { provider: new LocalProvider('local', target), path: '/', display: target },
      mode: 'copy',
      transfers: 4,
    });
    expect(summary.errors).toEqual([]);
    expect(summary.copied).toBe(14);
    expect(await sha1OfFile(join(target, 'videos', 'big.bin'))).toBe(big.sha1.toLowerCase());
    for (let i = 0; i < 12; i++) {
      const rel = join('videos', 'deep', `small-${i}.txt`);
      expect(await sha1OfFile(join(target, rel))).toBe(await sha1OfFile(join(seed, rel)));
    }
    expect(emu.cdnRefused).toBeGreaterThan(0);
    // The expired URL was renewed and the read carried on: no byte of the big file was fetched twice.
    expect(emu.cdnBytesServed).toBe(size + 5 + Array.from({ length: 12 }, (_, i) => i * 331).reduce((a, b) => a + b, 0));
    await source.close();
    await fs.rm(work, { recursive: true, force: true });
  });
});
