import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BadInput, type Location, runTransfer } from '@ferry/core';
import { MemoryProvider, runConformanceSuite } from '@ferry/core/testing';
import { LocalProvider } from '../src/index.js';

async function tempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'ferry-local-'));
}

/** Whether a file with no permission bits refuses this process: root (CAP_DAC_OVERRIDE) reads it anyway. */
async function modesRefuseUs(root: string): Promise<boolean> {
  const probe = join(root, '.mode-probe');
  await fs.writeFile(probe, 'x', { mode: 0o000 });
  try {
    await (await fs.open(probe, 'r')).close();
    return false;
  } catch {
    return true;
  } finally {
    await fs.rm(probe, { force: true });
  }
}

runConformanceSuite({
  name: 'local',
  async setup() {
    const root = await tempRoot();
    const seeded: string[] = [];
    return {
      provider: new LocalProvider('local', root),
      async seed(path, data) {
        const abs = join(root, path);
        await fs.mkdir(dirname(abs), { recursive: true });
        await fs.writeFile(abs, data);
        seeded.push(abs);
      },
      faults: {
        denyAccess: (await modesRefuseUs(root))
          ? async () => {
              for (const abs of seeded) await fs.chmod(abs, 0o000);
            }
          : { cannot: 'file modes do not refuse this process (it runs as root): run the suite as another user to cover it' },
        throttle: { cannot: 'a local disk has no request rate to exceed' },
      },
      cleanup: () => fs.rm(root, { recursive: true, force: true }),
    };
  },
});

describe('local provider', () => {
  it('never writes outside its root, whatever a source listing says', async () => {
    const parent = await tempRoot();
    const root = join(parent, 'root');
    await fs.mkdir(root);
    const src = new MemoryProvider('share', { listSha1: true });
    src.put('/fine/ok.txt', 'ok');
    src.extraNames.set('/', ['../../.bashrc', '..', 'a\\..\\b', 'x\0y']);
    src.extraNames.set('/fine', ['../escape.txt']);
    const source: Location = { provider: src, path: '/', display: 'share:/' };
    const target: Location = { provider: new LocalProvider('local', root), path: '/', display: root };
    const summary = await runTransfer({ source, target, mode: 'copy' });
    expect(summary.copied).toBe(1);
    expect(summary.failed).toBe(5);
    expect(await fs.readdir(parent)).toEqual(['root']);
    expect((await fs.readdir(root, { recursive: true })).sort()).toEqual(['fine', 'fine/ok.txt']);
  });

  it('refuses a hostile path even when called directly', async () => {
    const root = await tempRoot();
    const local = new LocalProvider('local', root);
    await expect(local.beginUpload('/../../tmp/evil', { size: 1 })).rejects.toBeInstanceOf(BadInput);
    await expect(local.remove('/..')).rejects.toBeInstanceOf(BadInput);
    await expect(local.remove('/')).rejects.toBeInstanceOf(BadInput);
  });

  it('resumes a partial upload from its state and keeps the final name empty until complete', async () => {
    const root = await tempRoot();
    const local = new LocalProvider('local', root);
    const data = Buffer.alloc(1000, 1);
    const first = await local.beginUpload('/f.bin', { size: 1000 });
    await first.writePart({ index: 0, offset: 0, length: 600, data: Readable.from([data.subarray(0, 600)]) });
    const state = first.state();
    // A crash after more bytes than the checkpoint covers: those extra bytes must be dropped.
    await fs.appendFile(join(root, String(state.tmp)), 'garbage');
    expect(await fs.readdir(root)).toEqual([state.tmp]);
    const second = await local.beginUpload('/f.bin', { size: 1000, resume: state });
    expect(second.offset).toBe(600);
    await second.writePart({ index: 1, offset: 600, length: 400, data: Readable.from([data.subarray(600)]) });
    await second.complete({ sha1: '' });
    expect((await fs.readFile(join(root, 'f.bin'))).equals(data)).toBe(true);
    expect(await fs.readdir(root)).toEqual(['f.bin']);
  });

  it('sets the source modification time on the landed file', async () => {
    const root = await tempRoot();
    const local = new LocalProvider('local', root);
    const s = await local.beginUpload('/t.txt', { size: 2, mtime: 1_600_000_000_000 });
    await s.writePart({ index: 0, offset: 0, length: 2, data: Readable.from([Buffer.from('hi')]) });
    await s.complete({ sha1: '' });
    expect((await local.stat('/t.txt')).mtime).toBe(1_600_000_000_000);
  });
});

describe('partial file names', () => {
  it('fit in NAME_MAX and stay distinct for long names', async () => {
    const { partialName } = await import('../src/local/upload.js');
    expect(partialName('a.txt')).toBe('.ferry-partial-a.txt');
    const long1 = '长'.repeat(84) + 'a';
    const long2 = '长'.repeat(84) + 'b';
    expect(Buffer.byteLength(partialName(long1))).toBeLessThanOrEqual(255);
    expect(partialName(long1)).not.toBe(partialName(long2));
  });

  it('a partial left by a killed run is overwritten by the next attempt', async () => {
    const root = await tempRoot();
    const local = new LocalProvider('local', root);
    await fs.writeFile(join(root, '.ferry-partial-f.txt'), 'stale bytes from a killed run');
    const s = await local.beginUpload('/f.txt', { size: 2 });
    await s.writePart({ index: 0, offset: 0, length: 2, data: Readable.from([Buffer.from('ok')]) });
    await s.complete({ sha1: '' });
    expect(await fs.readdir(root)).toEqual(['f.txt']);
    expect(await fs.readFile(join(root, 'f.txt'), 'utf8')).toBe('ok');
  });
});
