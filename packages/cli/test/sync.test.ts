import { join } from 'node:path';
import { promises as fs } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ferry, listFiles, sandbox, summaryOf } from './helpers.js';

async function write(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    await fs.mkdir(join(root, rel, '..'), { recursive: true });
    await fs.writeFile(join(root, rel), text);
  }
}

async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const rel of await listFiles(root)) out[rel] = await fs.readFile(join(root, rel), 'utf8');
  return out;
}

describe('ferry sync', () => {
  it('follows changes, renames and deletions; deletes only with --delete; --dry-run changes nothing', async () => {
    const box = await sandbox();
    const src = join(box.dir, 'src');
    const dst = join(box.dir, 'dst');
    await write(src, { 'a.txt': 'a', 'dir/b.txt': 'b', 'dir/sub/c.txt': 'c', 'keep.txt': 'k' });
    expect(summaryOf(await ferry(['sync', src, dst, '--json'], box))).toMatchObject({ copied: 4 });

    // Change one file (new size), rename one, delete one, remove a folder.
    await fs.writeFile(join(src, 'a.txt'), 'a changed');
    await fs.rename(join(src, 'dir/b.txt'), join(src, 'dir/b-renamed.txt'));
    await fs.rm(join(src, 'keep.txt'));
    await fs.rm(join(src, 'dir/sub'), { recursive: true });
    const before = await snapshot(dst);

    const dry = await ferry(['sync', src, dst, '--delete', '--dry-run', '--json'], box);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/would copy a\.txt/);
    expect(dry.stdout).toMatch(/would copy dir\/b-renamed\.txt/);
    expect(dry.stdout).toMatch(/would delete keep\.txt/);
    expect(dry.stdout).toMatch(/would delete dir\/b\.txt/);
    expect(dry.stdout).toMatch(/would delete dir\/sub\//);
    expect(summaryOf(dry)).toMatchObject({ plannedFiles: 2, deletesPending: 3, copied: 0, deleted: 0 });
    expect(await snapshot(dst)).toEqual(before);

    const noDelete = await ferry(['sync', src, dst, '--json'], box);
    expect(summaryOf(noDelete)).toMatchObject({ copied: 2, deleted: 0 });
    expect(await snapshot(dst)).toEqual({
      'a.txt': 'a changed',
      'dir/b-renamed.txt': 'b',
      'dir/b.txt': 'b',
      'dir/sub/c.txt': 'c',
      'keep.txt': 'k',
    });

    // 3 of the target's 5 files go: more than half, which the deletion guard holds back unless told.
    const withDelete = await ferry(['sync', src, dst, '--delete', '--delete-all', '--json'], box);
    expect(withDelete.code).toBe(0);
    expect(summaryOf(withDelete)).toMatchObject({ copied: 0, skipped: 2, deleted: 3 });
    expect(await snapshot(dst)).toEqual(await snapshot(src));
    await expect(fs.stat(join(dst, 'dir/sub'))).rejects.toThrow();
    await fs.rm(box.dir, { recursive: true, force: true });
  });

  it('copy never deletes, even with files gone from the source', async () => {
    const box = await sandbox();
    const src = join(box.dir, 'src');
    const dst = join(box.dir, 'dst');
    await write(src, { 'x.txt': 'x' });
    await write(dst, { 'y.txt': 'y' });
    const r = await ferry(['copy', src, dst, '--json'], box);
    expect(summaryOf(r)).toMatchObject({ copied: 1, deleted: 0 });
    expect(await listFiles(dst)).toEqual(['x.txt', 'y.txt']);
    await fs.rm(box.dir, { recursive: true, force: true });
  });

  it('filters with --include and --exclude', async () => {
    const box = await sandbox();
    const src = join(box.dir, 'src');
    const dst = join(box.dir, 'dst');
    await write(src, { 'a.mkv': '1', 'b.tmp': '2', 'node_modules/x.mkv': '3', 'docs/c.mkv': '4' });
    const r = await ferry(['sync', src, dst, '--include', '*.mkv', '--exclude', 'node_modules/**', '--json'], box);
    expect(summaryOf(r)).toMatchObject({ copied: 2 });
    expect(await listFiles(dst)).toEqual(['a.mkv', 'docs/c.mkv']);
    await fs.rm(box.dir, { recursive: true, force: true });
  });
});

describe('--on-conflict', () => {
  it('overwrites by default, keeps the target file with skip, copies beside it with rename', async () => {
    const box = await sandbox();
    const src = join(box.dir, 'src');
    const dst = join(box.dir, 'dst');
    await write(src, { 'a.txt': 'from source' });
    await write(dst, { 'a.txt': 'on target', 'b.txt': 'b' });
    const skip = await ferry(['copy', src, dst, '--on-conflict', 'skip', '--json'], box);
    expect(summaryOf(skip)).toMatchObject({ copied: 0, skipped: 1 });
    expect(await snapshot(dst)).toEqual({ 'a.txt': 'on target', 'b.txt': 'b' });
    const rename = await ferry(['copy', src, dst, '--on-conflict', 'rename', '--json'], box);
    expect(summaryOf(rename)).toMatchObject({ copied: 1 });
    expect(await snapshot(dst)).toEqual({ 'a.txt': 'on target', 'a(1).txt': 'from source', 'b.txt': 'b' });
    const overwrite = await ferry(['copy', src, dst, '--json'], box);
    expect(summaryOf(overwrite)).toMatchObject({ copied: 1 });
    expect((await snapshot(dst))['a.txt']).toBe('from source');
    const bad = await ferry(['copy', src, dst, '--on-conflict', 'merge'], box);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^ferry: --on-conflict must be one of overwrite, skip, rename/);
    expect((await ferry(['sync', src, dst, '--delete', '--on-conflict', 'rename'], box)).code).toBe(2);
    await fs.rm(box.dir, { recursive: true, force: true });
  });
});
