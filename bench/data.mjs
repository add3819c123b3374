// Builds the benchmark data set under bench/.data/ once and reuses it afterwards: writing
// 1 GiB of random bytes costs seconds, and every tool must see exactly the same tree.
import { randomFillSync } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export const DATA_DIR = new URL('./.data/', import.meta.url).pathname;
const MANIFEST = join(DATA_DIR, 'manifest.json');
const TREE = join(DATA_DIR, 'tree');
const MiB = 1024 * 1024;

/** What the data set must look like; a manifest written under a different spec is rebuilt. */
export function dataSpec({ bigBytes = 1024 * MiB } = {}) {
  return { version: 1, seed: 0x5eed, smallFiles: 1000, minSmall: 200, maxSmall: 64 * 1024, bigBytes };
}

// A seeded PRNG, so sizes and layout are the same on every machine and every rebuild
// (content is random bytes; it only has to be incompressible, not reproducible).
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Paths and sizes of every file; the 1 GiB file sits in the tree so the copy moves it too. */
function plan(spec) {
  const rnd = mulberry32(spec.seed);
  const files = [];
  for (let i = 0; i < spec.smallFiles; i++) {
    // Log-uniform sizes: mostly small files, as real trees are, with a tail up to 64 KiB.
    const size = Math.round(spec.minSmall * (spec.maxSmall / spec.minSmall) ** rnd());
    // Up to three levels (8 x 4 x 3 folders), some files at the top, so listing recurses.
    const depth = Math.floor(rnd() * 4);
    const parts = [];
    if (depth >= 1) parts.push(`a${Math.floor(rnd() * 8)}`);
    if (depth >= 2) parts.push(`b${Math.floor(rnd() * 4)}`);
    if (depth >= 3) parts.push(`c${Math.floor(rnd() * 3)}`);
    parts.push(`f${String(i).padStart(4, '0')}.bin`);
    files.push({ path: parts.join('/'), size });
  }
  files.push({ path: 'big.bin', size: spec.bigBytes });
  return files;
}

async function walk(dir, base = dir, out = []) {
  for (const d of await fs.readdir(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) await walk(p, base, out);
    else out.push({ path: relative(base, p), size: (await fs.stat(p)).size });
  }
  return out;
}

/** Count and bytes of every file below `dir`: enough to tell a complete copy from a broken one. */
export async function treeSummary(dir) {
  const files = await walk(dir);
  return { files: files.length, bytes: files.reduce((n, f) => n + f.size, 0) };
}

async function isValid(spec, files) {
  let saved;
  try {
    saved = JSON.parse(await fs.readFile(MANIFEST, 'utf8'));
  } catch {
    return false;
  }
  if (JSON.stringify(saved.spec) !== JSON.stringify(spec)) return false;
  try {
    const onDisk = new Map((await walk(TREE)).map((f) => [f.path, f.size]));
    return onDisk.size === files.length && files.every((f) => onDisk.get(f.path) === f.size);
  } catch {
    return false;
  }
}

async function writeRandomFile(path, size) {
  const chunk = Buffer.allocUnsafe(Math.min(size, 8 * MiB));
  const handle = await fs.open(path, 'w');
  try {
    for (let done = 0; done < size; ) {
      const n = Math.min(chunk.length, size - done);
      randomFillSync(chunk, 0, n);
      await handle.write(chunk, 0, n);
      done += n;
    }
  } finally {
    await handle.close();
  }
}

/** Makes sure the data set exists with the right sizes; returns where it is and what it holds. */
export async function ensureData(spec, log = () => {}) {
  const files = plan(spec);
  const summary = { tree: TREE, bigFile: join(TREE, 'big.bin'), files: files.length, bytes: files.reduce((n, f) => n + f.size, 0) };
  if (await isValid(spec, files)) {
    log(`data: reusing ${TREE}`);
    return summary;
  }
  await fs.mkdir(DATA_DIR, { recursive: true });
  // Room for the source tree plus one destination at a time, with slack for the filesystem.
  const { bavail, bsize } = await fs.statfs(DATA_DIR);
  const need = summary.bytes * 2.2;
  if (bavail * bsize < need) {
    throw new Error(`need ${(need / 2 ** 30).toFixed(1)} GiB free under ${DATA_DIR}, have ${((bavail * bsize) / 2 ** 30).toFixed(1)} GiB`);
  }
  log(`data: generating ${files.length} files (${(summary.bytes / MiB).toFixed(0)} MiB) in ${TREE}`);
  // The manifest goes first-out, last-in, so an interrupted build is never mistaken for a good one.
  await fs.rm(MANIFEST, { force: true });
  await fs.rm(TREE, { recursive: true, force: true });
  for (const f of files) {
    const abs = join(TREE, f.path);
    await fs.mkdir(dirname(abs), { recursive: true });
    await writeRandomFile(abs, f.size);
  }
  await fs.writeFile(MANIFEST, JSON.stringify({ spec, files: files.length, bytes: summary.bytes }, null, 2));
  return summary;
}
