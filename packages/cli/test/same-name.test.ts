import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AliyunOpenEmulator, type P115Emulator, startP115Emulator, startAliyunOpenEmulator } from '@ferry/emulators';
import { type Sandbox, aliyunOpenArgs, ferry, finished, listFiles, p115EndpointArgs, sandbox, startFerry, summaryOf } from './helpers.js';
import { withQueuePrefix } from './queue-sandbox.js';

let emu: P115Emulator;
let ali: AliyunOpenEmulator;
let box: Sandbox;
const short = Buffer.from('v1 a\n');
const long = Buffer.from('v1, the other one\n');

beforeAll(async () => {
  emu = await startP115Emulator({ users: ['alice'] });
  ali = await startAliyunOpenEmulator({ rateLimits: false });
  // As uploads and offline downloads leave it on 115: five files, two of them "notes v1.md".
  emu.putFile('alice', 'lib/a.txt', Buffer.from('a'));
  emu.putFile('alice', 'lib/b.txt', Buffer.from('bb'));
  emu.putFile('alice', 'lib/notes v1.md', short);
  emu.putFile('alice', 'lib/notes v1.md', long);
  emu.putFile('alice', 'lib/c.txt', Buffer.from('ccc'));
  box = await sandbox();
  const cookie = `cookie=${emu.users[0]!.cookie}`;
  expect((await ferry(['remote', 'add', 'em', 'p115', cookie, ...p115EndpointArgs(emu)], box)).code).toBe(0);
  const aliArgs = aliyunOpenArgs(ali);
  expect((await ferry(['remote', 'add', 'ali', 'aliyun-open', ...aliArgs], box)).code).toBe(0);
});
afterAll(async () => {
  await emu.close();
  await ali.close();
  await fs.rm(box.dir, { recursive: true, force: true });
});

/** The id 115 gave each "notes v1.md", in id order. */
function idsOfNotes(): string[] {
  const tree = emu.tree('alice');
  const dir = tree.folderByPath('lib')!;
  return tree
    .children(dir)
    .filter((n) => n.name === 'notes v1.md')
    .map((n) => n.id)
    .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
}

describe('files of one name in a 115 folder', () => {
  it('copy to local disk lands the second as "notes v1 (2).md" with a warning and a count; a rerun copies nothing', async () => {
    const dst = join(box.dir, 'local');
    const run = await ferry(['copy', 'em:/lib', dst, '--json'], box);
    expect(run.code, run.stderr).toBe(0);
    expect(summaryOf(run)).toMatchObject({ copied: 5, skipped: 0, failed: 0, renamedDuplicates: 1 });
    expect(await listFiles(dst)).toEqual(['a.txt', 'b.txt', 'c.txt', 'notes v1 (2).md', 'notes v1.md']);
    // The file with the lower id keeps the name: putFile gave the short one its id first.
    expect(await fs.readFile(join(dst, 'notes v1.md'))).toEqual(short);
    expect(await fs.readFile(join(dst, 'notes v1 (2).md'))).toEqual(long);
    const [, second] = idsOfNotes();
    expect(run.stderr).toContain(`renamed: notes v1.md (id ${second}) goes to notes v1 (2).md`);

    const text = await ferry(['copy', 'em:/lib', dst], box);
    expect(text.code).toBe(0);
    expect(text.stderr).toContain('Files: 0 copied, 0 rapid, 5 skipped, 0 failed, 0 deleted');
    expect(text.stderr).toContain('Renamed: 1 file(s)');

    await fs.writeFile(join(dst, 'stray.txt'), 'not on 115');
    const sync = await ferry(['sync', 'em:/lib', dst, '--delete', '--json'], box);
    expect(summaryOf(sync)).toMatchObject({ copied: 0, skipped: 5, deleted: 1, failed: 0, renamedDuplicates: 1 });
    expect(await listFiles(dst)).toEqual(['a.txt', 'b.txt', 'c.txt', 'notes v1 (2).md', 'notes v1.md']);
  });

  it('sync to Aliyun Drive keeps both, the second as "notes v1 (2).md"; a rerun with --delete copies and deletes nothing', async () => {
    const run = await ferry(['sync', 'em:/lib', 'ali:/lib', '--delete', '--json'], box);
    expect(run.code, run.stderr).toBe(0);
    expect(summaryOf(run)).toMatchObject({ failed: 0, deleted: 0, renamedDuplicates: 1 });
    const back = join(box.dir, 'from-aliyun');
    expect((await ferry(['copy', 'ali:/lib', back], box)).code).toBe(0);
    expect(await fs.readFile(join(back, 'notes v1.md'))).toEqual(short);
    expect(await fs.readFile(join(back, 'notes v1 (2).md'))).toEqual(long);

    const again = await ferry(['sync', 'em:/lib', 'ali:/lib', '--delete', '--json'], box);
    expect(summaryOf(again)).toMatchObject({ copied: 0, rapid: 0, skipped: 5, deleted: 0, failed: 0 });
  });

  it('115 to 115 keeps them as two files of one name, and a rerun with --delete changes nothing', async () => {
    const run = await ferry(['sync', 'em:/lib', 'em:/mirror', '--delete', '--json'], box);
    expect(run.code, run.stderr).toBe(0);
    expect(summaryOf(run)).toMatchObject({ failed: 0, deleted: 0, renamedDuplicates: 0 });
    const tree = emu.tree('alice');
    const mirrored = tree.children(tree.folderByPath('mirror')!).filter((n) => n.name === 'notes v1.md');
    expect(mirrored.map((n) => n.size).sort((a, b) => a - b)).toEqual([short.length, long.length]);

    const again = await ferry(['sync', 'em:/lib', 'em:/mirror', '--delete', '--json'], box);
    expect(summaryOf(again)).toMatchObject({ copied: 0, rapid: 0, skipped: 5, deleted: 0, failed: 0 });
    expect(tree.children(tree.folderByPath('mirror')!)).toHaveLength(5);

    // A third "notes v1.md" only the target has: --delete removes that one, by its id.
    const stray = emu.putFile('alice', 'mirror/notes v1.md', Buffer.from('only on the target'));
    const pruned = await ferry(['sync', 'em:/lib', 'em:/mirror', '--delete', '--json'], box);
    expect(summaryOf(pruned)).toMatchObject({ copied: 0, skipped: 5, deleted: 1, failed: 0 });
    const left = tree.children(tree.folderByPath('mirror')!);
    expect(left).toHaveLength(5);
    expect(left.map((n) => n.id)).not.toContain(stray.id);
  });

  it('a 115 share holding them: copied to local disk renamed, received by 115 beside each other', async () => {
    const share = emu.createShare('alice', ['/lib'], { receiveCode: 'ab12' });
    const source = `:p115-share,share_code=${share.share_code},receive_code=${share.receive_code},account=em:/lib`;
    const dst = join(box.dir, 'from-share');
    const local = await ferry(['copy', source, dst, '--json'], box);
    expect(local.code, local.stderr).toBe(0);
    expect(summaryOf(local)).toMatchObject({ copied: 5, failed: 0, renamedDuplicates: 1 });
    expect(await fs.readFile(join(dst, 'notes v1 (2).md'))).toEqual(long);

    // A folder that exists on the target is received file by file: the second lands beside the first.
    emu.putFile('alice', 'received/keep.txt', Buffer.from('keep'));
    const received = await ferry(['copy', source, 'em:/received', '--json'], box);
    expect(received.code, received.stderr).toBe(0);
    expect(summaryOf(received)).toMatchObject({ imported: 5, failed: 0, renamedDuplicates: 0 });
    const tree = emu.tree('alice');
    const notes = tree.children(tree.folderByPath('received')!).filter((n) => n.name === 'notes v1.md');
    expect(notes.map((n) => n.size).sort((a, b) => a - b)).toEqual([short.length, long.length]);

    const again = await ferry(['copy', source, 'em:/received', '--json'], box);
    expect(summaryOf(again)).toMatchObject({ imported: 0, skipped: 5, failed: 0 });
  });

  it('a second folder of one name is a failure with its name, never skipped silently', async () => {
    const tree = emu.tree('alice');
    const parent = tree.folderByPath('twins', true)!;
    tree.addFile(tree.addFolder(parent, 'sub').id, 'one.txt', { kind: 'memory', data: Buffer.from('1') }, 1, createHash('sha1').update('1').digest('hex'));
    tree.addFile(tree.addFolder(parent, 'sub').id, 'two.txt', { kind: 'memory', data: Buffer.from('2') }, 1, createHash('sha1').update('2').digest('hex'));
    const run = await ferry(['copy', 'em:/twins', join(box.dir, 'twins')], box);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("failed: sub: em:/twins: 'sub' names two folders; only the first is copied");
    expect(run.stderr).toContain('Files: 1 copied, 0 rapid, 0 skipped, 1 failed');
  });

  it('queued on the workers: the same names, warning and count', async () => {
    const cleanups: (() => Promise<void>)[] = [];
    const queued = withQueuePrefix(box, cleanups);
    const worker = startFerry(['worker', '--concurrency', '2'], queued);
    const workerDone = finished(worker);
    try {
      const dst = join(box.dir, 'queued');
      const run = await ferry(['copy', 'em:/lib', dst, '--queue', '--wait', '--json'], queued);
      expect(run.code, run.stderr).toBe(0);
      expect(summaryOf(run)).toMatchObject({ copied: 5, failed: 0, renamedDuplicates: 1 });
      expect(run.stderr).toContain('goes to notes v1 (2).md');
      expect(await fs.readFile(join(dst, 'notes v1 (2).md'))).toEqual(long);

      const again = await ferry(['copy', 'em:/lib', dst, '--queue', '--wait'], queued);
      expect(again.stderr).toContain('Files: 0 copied, 0 rapid, 5 skipped, 0 failed, 0 deleted');
      expect(again.stderr).toContain('Renamed: 1 file(s)');
    } finally {
      worker.kill('SIGTERM');
      await workerDone;
      for (const c of cleanups) await c();
    }
  });
});
