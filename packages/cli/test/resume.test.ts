import { join } from 'node:path';
import { promises as fs } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PARTIAL_PREFIX } from '@ferry/core';
import { ferry, finished, listFiles, sameBytes, sandbox, startFerry, summaryOf, writeRandomFile, writeSmallTree } from './helpers.js';

const GiB = 1024 * 1024 * 1024;

async function partialSize(dir: string): Promise<number> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const partial = names.find((n) => n.startsWith(PARTIAL_PREFIX));
  if (!partial) return 0;
  return (await fs.stat(join(dir, partial)).catch(() => ({ size: 0 }))).size;
}

describe('a killed run started again', () => {
  it('finishes, redoes no finished file, and never leaves a partial file under its final name', async () => {
    const box = await sandbox();
    const src = join(box.dir, 'src');
    const dst = join(box.dir, 'dst');
    const small = await writeSmallTree(src, 300);
    await writeRandomFile(join(src, 'big.bin'), GiB);

    const child = startFerry(['copy', src, dst, '--transfers', '2'], box);
    const done = finished(child);
    // Kill once the big file is well past its first checkpointed part (64 MiB).
    const deadline = Date.now() + 120_000;
    while ((await partialSize(dst)) < 200 * 1024 * 1024) {
      if (Date.now() > deadline) throw new Error('the big file never got going');
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');

    // Nothing under a final name is partial: big.bin is absent (or, if it landed, whole).
    await expect(fs.stat(join(dst, 'big.bin'))).rejects.toThrow(/ENOENT/);
    expect(await partialSize(dst)).toBeGreaterThan(0);
    const finishedBefore = new Map<string, { ino: number; ctimeMs: number }>();
    for (const rel of await listFiles(dst)) {
      if (rel.split('/').pop()!.startsWith(PARTIAL_PREFIX)) continue;
      const st = await fs.stat(join(dst, rel));
      expect(st.size, rel).toBe((await fs.stat(join(src, rel))).size);
      finishedBefore.set(rel, { ino: st.ino, ctimeMs: st.ctimeMs });
    }

    const again = await ferry(['copy', src, dst, '--json'], box);
    expect(again.code, again.stderr).toBe(0);
    const summary = summaryOf(again);
    expect(summary.failed).toBe(0);
    expect(summary.copied + summary.skipped).toBe(small.length + 1);
    expect(summary.skipped).toBeGreaterThanOrEqual(finishedBefore.size);
    // The big file continued from its last checkpoint instead of byte 0.
    expect(summary.resumedBytes).toBeGreaterThanOrEqual(64 * 1024 * 1024);
    expect(summary.bytes).toBeLessThanOrEqual(GiB - summary.resumedBytes + 1_000_000);
    for (const [rel, before] of finishedBefore) {
      const st = await fs.stat(join(dst, rel));
      expect({ ino: st.ino, ctimeMs: st.ctimeMs }, `${rel} was rewritten`).toEqual(before);
    }
    expect(await listFiles(dst)).toEqual([...small, 'big.bin'].sort());
    expect(await sameBytes(join(src, 'big.bin'), join(dst, 'big.bin'))).toBe(true);
    for (const rel of small) expect((await fs.readFile(join(dst, rel))).equals(await fs.readFile(join(src, rel)))).toBe(true);
    await fs.rm(box.dir, { recursive: true, force: true });
  });
});
