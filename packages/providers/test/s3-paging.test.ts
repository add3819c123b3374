import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFound, type Entry } from '@ferry/core';
import { type S3Emulator, putRaw, rawClient, s3Provider, startS3Emulator } from './s3-helpers.js';
import type { S3Provider } from '../src/index.js';

let emu: S3Emulator;
beforeAll(async () => {
  // Pages of four keys or prefixes: every folder below takes several.
  emu = await startS3Emulator({ maxKeysPerPage: 4 });
});
afterAll(() => emu.close());

const FILES = Array.from({ length: 20 }, (_, i) => `f${String(i).padStart(2, '0')}.txt`);
const FOLDERS = ['sub-a', 'sub-b', 'sub-c'];

/** 20 files and 3 subfolders (two files each) under `<prefix>/<folder>/`, put by the back door. */
async function seed(prefix: string, folder: string): Promise<void> {
  const client = rawClient(emu);
  const rels = [...FILES, ...FOLDERS.flatMap((f) => [`${f}/x.txt`, `${f}/y.txt`])];
  for (const rel of rels) await putRaw(client, emu, `${prefix}/${folder}/${rel}`, Buffer.from(rel));
  client.destroy();
}

async function collect(items: AsyncIterable<Entry>): Promise<Entry[]> {
  const out: Entry[] = [];
  for await (const e of items) out.push(e);
  return out;
}

/** Every file below `dir`, as paths relative to it. */
async function filesBelow(provider: S3Provider, dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await collect(provider.list(dir))) {
    if (e.isDir) out.push(...(await filesBelow(provider, e.path)).map((p) => `${e.name}/${p}`));
    else out.push(e.name);
  }
  return out.sort();
}

describe('s3 provider over a paged listing', () => {
  it('lists every file and subfolder of a folder once', async () => {
    await seed('paging-list', 'dir');
    const provider = s3Provider(emu, { prefix: 'paging-list' });
    const entries = await collect(provider.list('/dir'));
    expect(entries.filter((e) => e.isDir).map((e) => e.name).sort()).toEqual(FOLDERS);
    expect(entries.filter((e) => !e.isDir).map((e) => e.name).sort()).toEqual(FILES);
    expect(entries.length).toBe(FILES.length + FOLDERS.length);
  });

  it('removes a folder with everything below it', async () => {
    await seed('paging-remove', 'dir');
    await seed('paging-remove', 'dir-kept');
    const provider = s3Provider(emu, { prefix: 'paging-remove' });
    await provider.remove('/dir');
    await expect(provider.stat('/dir')).rejects.toBeInstanceOf(NotFound);
    // A sibling whose name starts the same is no part of the folder.
    expect((await filesBelow(provider, '/dir-kept')).length).toBe(FILES.length + 2 * FOLDERS.length);
  });

  it('copies a folder server-side, every file below it', async () => {
    await seed('paging-copy', 'tree');
    const source = s3Provider(emu, { prefix: 'paging-copy' });
    const target = s3Provider(emu, { prefix: 'paging-copy-dst' }, 's3b');
    const landed = await target.serverImport.importEntry(source, await source.stat('/tree'), '/copied');
    expect(landed.isDir).toBe(true);
    const expected = await filesBelow(source, '/tree');
    expect(expected.length).toBe(FILES.length + 2 * FOLDERS.length);
    expect(await filesBelow(target, '/copied')).toEqual(expected);
  });
});
