import { join } from 'node:path';
import { promises as fs } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { type Sandbox, ferry, listFiles, sameBytes, sandbox, summaryOf, writeRandomFile, writeSmallTree } from './helpers.js';

const GiB = 1024 * 1024 * 1024;

describe('ferry copy, local to local', () => {
  let box: Sandbox;
  afterAll(() => box && fs.rm(box.dir, { recursive: true, force: true }));

  it('copies 1,000 small files and a 1 GiB file, every byte equal, then skips them all', async () => {
    box = await sandbox();
    const src = join(box.dir, 'src');
    const dst = join(box.dir, 'dst');
    const rels = await writeSmallTree(src);
    await writeRandomFile(join(src, 'big', 'one-gib.bin'), GiB);

    const first = await ferry(['copy', src, dst, '--json'], box);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(summaryOf(first)).toMatchObject({ copied: 1001, failed: 0, skipped: 0, bytes: expect.any(Number) });
    expect(summaryOf(first).bytes).toBeGreaterThanOrEqual(GiB);

    expect(await listFiles(dst)).toEqual([...rels, 'big/one-gib.bin'].sort());
    for (const rel of rels) {
      expect((await fs.readFile(join(dst, rel))).equals(await fs.readFile(join(src, rel))), rel).toBe(true);
    }
    expect(await sameBytes(join(src, 'big', 'one-gib.bin'), join(dst, 'big', 'one-gib.bin'))).toBe(true);

    const again = await ferry(['copy', src, dst, '--json'], box);
    expect(again.code).toBe(0);
    expect(summaryOf(again)).toMatchObject({ copied: 0, skipped: 1001, bytes: 0 });
  });

  it('prints a human summary and exits 0', async () => {
    const b = await sandbox();
    await writeSmallTree(join(b.dir, 's'), 5);
    const r = await ferry(['copy', join(b.dir, 's'), join(b.dir, 'd')], b);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Transferred: .* in /);
    expect(r.stderr).toMatch(/Files: 5 copied, 0 rapid, 0 skipped, 0 failed, 0 deleted/);
    await fs.rm(b.dir, { recursive: true, force: true });
  });

  it('copies a single file into a folder', async () => {
    const b = await sandbox();
    await fs.writeFile(join(b.dir, 'one.txt'), 'one');
    const r = await ferry(['copy', join(b.dir, 'one.txt'), join(b.dir, 'out'), '--json'], b);
    expect(r.code).toBe(0);
    expect(await fs.readFile(join(b.dir, 'out', 'one.txt'), 'utf8')).toBe('one');
    await fs.rm(b.dir, { recursive: true, force: true });
  });
});
