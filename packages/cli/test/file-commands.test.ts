import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AliyunOpenEmulator, type P115Emulator, startP115Emulator, startAliyunOpenEmulator } from '@ferry/emulators';
import { type Sandbox, aliyunOpenArgs, ferry, listFiles, p115EndpointArgs, sandbox, summaryOf } from './helpers.js';

let emu: P115Emulator;
let ali: AliyunOpenEmulator;
let box: Sandbox;

const sha1 = (data: Buffer | string) => createHash('sha1').update(data).digest('hex');

beforeAll(async () => {
  emu = await startP115Emulator({ users: ['alice'] });
  ali = await startAliyunOpenEmulator({ rateLimits: false });
  box = await sandbox();
  expect((await ferry(['remote', 'add', 'em', 'p115', `cookie=${emu.users[0]!.cookie}`, ...p115EndpointArgs(emu)], box)).code).toBe(0);
  const aliArgs = aliyunOpenArgs(ali);
  expect((await ferry(['remote', 'add', 'ali', 'aliyun-open', ...aliArgs], box)).code).toBe(0);
});
afterAll(async () => {
  await emu.close();
  await ali.close();
  await fs.rm(box.dir, { recursive: true, force: true });
});

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    await fs.mkdir(join(root, rel, '..'), { recursive: true });
    await fs.writeFile(join(root, rel), text);
  }
}

/** The one line a refused command prints, with its exit code. */
function refused(r: { code: number | null; stderr: string; stdout: string }, code: number, text: string): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toContain(text);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('copyto and moveto', () => {
  it('copyto lands one file under the exact name given, on disk and on Aliyun; a folder there is refused', async () => {
    const src = join(box.dir, 'copyto');
    await writeTree(src, { 'a.txt': 'alpha' });
    const local = await ferry(['copyto', join(src, 'a.txt'), join(box.dir, 'copyto-dst', 'renamed.txt'), '--json'], box);
    expect(summaryOf(local)).toMatchObject({ copied: 1, failed: 0 });
    expect(await fs.readFile(join(box.dir, 'copyto-dst', 'renamed.txt'), 'utf8')).toBe('alpha');
    expect((await fs.stat(join(box.dir, 'copyto-dst', 'renamed.txt'))).isFile()).toBe(true);

    const cloud = await ferry(['copyto', join(src, 'a.txt'), 'ali:/docs/b.txt', '--json'], box);
    expect(summaryOf(cloud)).toMatchObject({ copied: 1, failed: 0 });
    expect(ali.read('/docs/b.txt')?.toString()).toBe('alpha');

    refused(await ferry(['copyto', join(src, 'a.txt'), 'ali:/docs'], box), 1, 'ali:/docs is a folder');
    refused(await ferry(['copyto', src, 'ali:/x.txt'], box), 1, 'is a folder; give a file');
  });

  it('moveto renames a 115 file on the server (same id, nothing uploaded) and moves a local file onto 115 under a new name', async () => {
    const node = emu.putFile('alice', 'inbox/report.pdf', Buffer.from('pdf bytes'));
    const before = { ...emu.uploadStats };
    const renamed = await ferry(['moveto', 'em:/inbox/report.pdf', 'em:/archive/2024 report.pdf'], box);
    expect(renamed.code, renamed.stderr).toBe(0);
    const tree = emu.tree('alice');
    const archive = tree.folderByPath('archive')!;
    const moved = tree.children(archive).find((n) => n.name === '2024 report.pdf');
    expect(moved?.id).toBe(node.id);
    expect(emu.uploadStats).toEqual(before);
    expect(tree.children(tree.folderByPath('inbox')!)).toEqual([]);

    const src = join(box.dir, 'moveto');
    await writeTree(src, { 'local.txt': 'from disk' });
    const up = await ferry(['moveto', join(src, 'local.txt'), 'em:/archive/uploaded.txt', '--json'], box);
    expect(summaryOf(up)).toMatchObject({ copied: 1, deleted: 1, failed: 0 });
    await expect(fs.stat(join(src, 'local.txt'))).rejects.toThrow();
    const ls = await ferry(['hash', 'em:/archive/uploaded.txt'], box);
    expect(ls.stdout).toBe(`${sha1('from disk')}  uploaded.txt\n`);
  });
});

describe('move', () => {
  it('moves a local tree to Aliyun file by file, removes the emptied folders with --delete-empty-src-dirs, and counts files already there as moved', async () => {
    const src = join(box.dir, 'move-src');
    await writeTree(src, { 'a/one.txt': 'one', 'a/b/two.txt': 'two two', 'three.txt': 'three' });
    ali.put('/moved/three.txt', Buffer.from('three'));
    const dry = await ferry(['move', src, 'ali:/moved', '--dry-run'], box);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('would move a/one.txt');
    expect(dry.stdout).toContain('would delete three.txt from the source');
    expect(await listFiles(src)).toHaveLength(3);

    const run = await ferry(['move', src, 'ali:/moved', '--delete-empty-src-dirs', '--json'], box);
    expect(run.code, run.stderr).toBe(0);
    expect(summaryOf(run)).toMatchObject({ copied: 2, skipped: 1, deleted: 3, failed: 0 });
    expect(await fs.readdir(src)).toEqual([]);
    expect(ali.read('/moved/a/b/two.txt')?.toString()).toBe('two two');
    expect(ali.names('/moved')?.sort()).toEqual(['a', 'three.txt']);
  });

  it('keeps a source file whose copy failed, and its folder', async () => {
    const src = join(box.dir, 'move-fail');
    await writeTree(src, { 'ok.txt': 'fine', 'clash/inner.txt': 'file on src' });
    ali.put('/clash-dst/clash', Buffer.from('a file where src has a folder'));
    const run = await ferry(['move', src, 'ali:/clash-dst', '--delete-empty-src-dirs', '--json'], box);
    expect(run.code).toBe(1);
    expect(summaryOf(run)).toMatchObject({ copied: 1, deleted: 1, failed: 1 });
    expect(await listFiles(src)).toEqual(['clash/inner.txt']);
  });

  it('moves a 115 folder within the account in one server-side move: same ids, no upload, no download', async () => {
    const film = emu.putFile('alice', 'films/new/film.mkv', Buffer.alloc(4096, 7));
    const before = { ...emu.uploadStats };
    const cdn = emu.cdnBytesServed;
    const run = await ferry(['move', 'em:/films/new', 'em:/library/films'], box);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('on the server');
    const tree = emu.tree('alice');
    expect(tree.folderByPath('films/new')).toBeUndefined();
    expect(tree.children(tree.folderByPath('library/films')!).map((n) => n.id)).toEqual([film.id]);
    expect(emu.uploadStats).toEqual(before);
    expect(emu.cdnBytesServed).toBe(cdn);
    refused(await ferry(['move', 'em:/library', 'em:/library/films/inside'], box), 2, 'em:/library');
    expect(tree.folderByPath('library/films')).toBeDefined();
  });

  it('refuses --queue, and a source that cannot delete (a 115 share), in one line', async () => {
    refused(await ferry(['move', join(box.dir, 'nowhere'), 'ali:/q', '--queue'], box), 2, '--queue is not supported');
    emu.putFile('alice', 'shared/s.txt', Buffer.from('shared'));
    const share = emu.createShare('alice', ['/shared'], { receiveCode: 'abcd' });
    const link = `:p115-share,share_code=${share.share_code},receive_code=abcd,account=em:/`;
    refused(await ferry(['move', link, join(box.dir, 'from-share')], box), 2, 'cannot delete files or folders');
    refused(await ferry(['delete', link], box), 2, 'cannot delete files or folders');
    refused(await ferry(['mkdir', `${link.slice(0, -1)}/new`], box), 2, 'cannot make folders');
  });
});

describe('delete, purge, mkdir, rmdir', () => {
  it('delete removes only the files the filters pick, keeps folders, and --dry-run changes nothing', async () => {
    const dir = join(box.dir, 'del');
    await writeTree(dir, { 'a.log': '1', 'b.txt': '22', 'sub/c.log': '333', 'sub/d.txt': '4444' });
    const dry = await ferry(['delete', dir, '--include', '*.log', '--dry-run'], box);
    expect(dry.stdout).toBe('would delete a.log\nwould delete sub/c.log\n');
    expect(await listFiles(dir)).toHaveLength(4);
    const run = await ferry(['delete', dir, '--include', '*.log', '--json'], box);
    expect(JSON.parse(run.stdout)).toEqual({ dryRun: false, deleted: 2, bytes: 4, failed: 0, errors: [] });
    expect(await listFiles(dir)).toEqual(['b.txt', 'sub/d.txt']);
  });

  it('115 deletions go to the recycle bin; purge takes a folder whole; rmdir refuses a folder with content', async () => {
    const a = emu.putFile('alice', 'trash/a.txt', Buffer.from('a'));
    const b = emu.putFile('alice', 'trash/keep/b.txt', Buffer.from('b'));
    const tree = emu.tree('alice');
    const keep = tree.folderByPath('trash/keep')!;
    const del = await ferry(['delete', 'em:/trash', '--exclude', 'keep/**'], box);
    expect(del.code, del.stderr).toBe(0);
    expect(tree.get(a.id)?.aid).toBe(7);
    expect(tree.get(b.id)?.aid).toBe(1);

    refused(await ferry(['rmdir', 'em:/trash/keep'], box), 2, "is not empty (it holds 'b.txt')");
    const purge = await ferry(['purge', 'em:/trash/keep'], box);
    expect(purge.code, purge.stderr).toBe(0);
    expect(tree.get(keep)?.aid).toBe(7);
    refused(await ferry(['purge', 'em:/'], box), 1, "refusing to remove the root");

    expect((await ferry(['mkdir', 'em:/made/deep/er'], box)).code).toBe(0);
    expect(tree.folderByPath('made/deep/er')).toBeDefined();
    expect((await ferry(['rmdir', 'em:/made/deep/er'], box)).code).toBe(0);
    expect(tree.folderByPath('made/deep/er')).toBeUndefined();
    refused(await ferry(['rmdir', 'em:/nope'], box), 1, 'em:/nope');
  });

  it('mkdir, rmdir and purge on Aliyun and on local disk', async () => {
    expect((await ferry(['mkdir', 'ali:/m/n'], box)).code).toBe(0);
    expect(ali.names('/m')).toEqual(['n']);
    expect((await ferry(['rmdir', 'ali:/m/n'], box)).code).toBe(0);
    expect(ali.names('/m')).toEqual([]);
    ali.put('/p/q/r.txt', Buffer.from('r'));
    const dry = await ferry(['purge', 'ali:/p', '--dry-run'], box);
    expect(dry.stdout).toBe('would delete ali:/p/\n');
    expect(ali.names('/p')).toEqual(['q']);
    expect((await ferry(['purge', 'ali:/p'], box)).code).toBe(0);
    expect(ali.names('/p')).toBeUndefined();

    const local = join(box.dir, 'mk', 'a', 'b');
    expect((await ferry(['mkdir', local], box)).code).toBe(0);
    expect((await fs.stat(local)).isDirectory()).toBe(true);
    expect((await ferry(['rmdir', local], box)).code).toBe(0);
    await expect(fs.stat(local)).rejects.toThrow();
    await writeTree(join(box.dir, 'mk'), { 'a/x.txt': 'x' });
    expect((await ferry(['purge', join(box.dir, 'mk')], box)).code).toBe(0);
    await expect(fs.stat(join(box.dir, 'mk'))).rejects.toThrow();
  });
});

describe('check', () => {
  it('compares local disk with 115 by SHA-1 (hashing the local side), lists each kind of difference, and exits 1', async () => {
    const src = join(box.dir, 'check-src');
    await writeTree(src, { 'same.txt': 'same', 'sub/changed.txt': 'new text', 'only-src.txt': 'x', 'samesize.txt': 'aaaa' });
    emu.putFile('alice', 'check/same.txt', Buffer.from('same'));
    emu.putFile('alice', 'check/sub/changed.txt', Buffer.from('old text, longer'));
    emu.putFile('alice', 'check/samesize.txt', Buffer.from('bbbb'));
    emu.putFile('alice', 'check/only-dst.txt', Buffer.from('y'));
    const lists = Object.fromEntries(['missing-on-dst', 'missing-on-src', 'differ', 'match', 'combined'].map((k) => [k, join(box.dir, `${k}.txt`)]));
    const args = Object.entries(lists).flatMap(([k, file]) => [`--${k}`, file]);
    const run = await ferry(['check', src, 'em:/check', ...args], box);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('differ: samesize.txt (sha1 differs)');
    expect(run.stderr).toContain('4 difference(s) found (1 missing on dst, 1 missing on src, 2 differ), 1 matching file(s)');
    const read = async (k: string) => (await fs.readFile(lists[k]!, 'utf8')).trim().split('\n').sort();
    expect(await read('missing-on-dst')).toEqual(['only-src.txt']);
    expect(await read('missing-on-src')).toEqual(['only-dst.txt']);
    expect(await read('differ')).toEqual(['samesize.txt', 'sub/changed.txt']);
    expect(await read('match')).toEqual(['same.txt']);
    expect(await read('combined')).toEqual(['* samesize.txt', '* sub/changed.txt', '+ only-dst.txt', '- only-src.txt', '= same.txt']);

    const oneWay = await ferry(['check', src, 'em:/check', '--one-way', '--exclude', 'samesize.txt', '--json'], box);
    expect(oneWay.code).toBe(1);
    expect(JSON.parse(oneWay.stdout)).toEqual({ matching: 1, differences: 2, missingOnDst: ['only-src.txt'], missingOnSrc: [], differ: ['sub/changed.txt'], errors: [] });
  });

  it('exits 0 when 115 and Aliyun hold the same files, compared by their listed SHA-1s', async () => {
    for (const [rel, text] of [['x/a.txt', 'a'], ['x/d/b.txt', 'bb']] as const) {
      emu.putFile('alice', `same/${rel}`, Buffer.from(text));
      ali.put(`/same/${rel}`, Buffer.from(text));
    }
    const run = await ferry(['check', 'em:/same', 'ali:/same', '-v'], box);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('match: x/d/b.txt (by sha1)');
    expect(run.stderr).toContain('0 difference(s) found');
  });
});

describe('cat, size, lsjson', () => {
  it('cat writes a 115 file, or a byte range of it, to stdout', async () => {
    emu.putFile('alice', 'cat/poem.txt', Buffer.from('0123456789abcdef'));
    expect((await ferry(['cat', 'em:/cat/poem.txt'], box)).stdout).toBe('0123456789abcdef');
    expect((await ferry(['cat', 'em:/cat/poem.txt', '--offset', '10', '--count', '3'], box)).stdout).toBe('abc');
    expect((await ferry(['cat', 'em:/cat/poem.txt', '--offset', '99'], box)).stdout).toBe('');
    refused(await ferry(['cat', 'em:/cat'], box), 2, 'em:/cat is a folder');
    refused(await ferry(['cat', 'em:/cat/poem.txt', '--count', '-1'], box), 2, '--count must be a whole number');
  });

  it('size counts the files and bytes below a folder', async () => {
    ali.put('/sz/a.bin', Buffer.alloc(1000));
    ali.put('/sz/d/b.bin', Buffer.alloc(24));
    const text = await ferry(['size', 'ali:/sz'], box);
    expect(text.stdout).toBe('Total objects: 2\nTotal size: 1.00 KiB (1024 bytes)\n');
    const json = await ferry(['size', 'ali:/sz', '--json', '--exclude', 'd/**'], box);
    expect(JSON.parse(json.stdout)).toEqual({ count: 1, bytes: 1000 });
  });

  it("lsjson prints one JSON array with rclone's field names, SHA-1 and id where the service lists them", async () => {
    const file = emu.putFile('alice', 'lj/sub/f.txt', Buffer.from('f'));
    const tree = emu.tree('alice');
    const flat = await ferry(['lsjson', 'em:/lj'], box);
    expect(flat.code, flat.stderr).toBe(0);
    expect(JSON.parse(flat.stdout)).toEqual([
      expect.objectContaining({ Path: 'sub', Name: 'sub', Size: -1, IsDir: true, ID: tree.folderByPath('lj/sub')! }),
    ]);
    const deep = JSON.parse((await ferry(['lsjson', '-R', 'em:/lj'], box)).stdout) as Record<string, unknown>[];
    expect(deep[1]).toMatchObject({ Path: 'sub/f.txt', Name: 'f.txt', Size: 1, IsDir: false, Hashes: { sha1: sha1('f') }, ID: file.id });
    expect(typeof deep[1]!.ModTime).toBe('string');

    const local = join(box.dir, 'lj');
    await writeTree(local, { 'z.txt': 'zz' });
    const one = JSON.parse((await ferry(['lsjson', join(local, 'z.txt')], box)).stdout) as Record<string, unknown>[];
    expect(one).toEqual([{ Path: 'z.txt', Name: 'z.txt', Size: 2, ModTime: expect.any(String), IsDir: false }]);
    expect((await ferry(['lsjson', join(local, 'missing')], box)).code).toBe(1);
  });
});

describe('about', () => {
  it("reports 115's and Aliyun's space as their APIs give it, the disk's from statfs, and refuses a share", async () => {
    emu.putFile('alice', 'about/big.bin', Buffer.alloc(300_000));
    const tree = emu.tree('alice');
    const used115 = [...tree.nodes.values()].reduce((n, node) => n + (node.isDir ? 0 : node.size), 0);
    const p115 = await ferry(['about', 'em:', '--json'], box);
    expect(p115.code, p115.stderr).toBe(0);
    expect(JSON.parse(p115.stdout)).toEqual({ used: used115, total: 2 * 1024 ** 4, free: 2 * 1024 ** 4 - used115 });
    const text = await ferry(['about', 'em:'], box);
    expect(text.stdout.split('\n')[0]).toBe(`Total: 2.00 TiB (${2 * 1024 ** 4} bytes)`);
    expect(text.stdout.split('\n').map((l) => l.split(':')[0])).toEqual(['Total', 'Used', 'Free', '']);

    const before = JSON.parse((await ferry(['about', 'ali:', '--json'], box)).stdout) as { used: number; total: number; free: number };
    ali.put('/about/new.bin', Buffer.alloc(1024 ** 2));
    const after = JSON.parse((await ferry(['about', 'ali:', '--json'], box)).stdout) as { used: number; total: number; free: number };
    expect(after.used - before.used).toBe(1024 ** 2);
    expect(after.total).toBe(8 * 1024 ** 4);
    expect(after.free).toBe(after.total - after.used);

    const disk = await fs.statfs(box.dir);
    const local = JSON.parse((await ferry(['about', box.dir, '--json'], box)).stdout) as { used: number; total: number; free: number };
    expect(local.total).toBe(disk.blocks * disk.bsize);
    expect(local.used).toBeGreaterThan(0);

    const share = emu.createShare('alice', ['/about'], { receiveCode: '' });
    refused(await ferry(['about', `:p115-share,share_code=${share.share_code}:/`], box), 2, 'has no quota to report');
  });
});
