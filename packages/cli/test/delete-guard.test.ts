import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type P115Emulator, startP115Emulator } from '@ferry/emulators';
import { type Sandbox, ferry, finished, listFiles, p115EndpointArgs, sandbox, startFerry, summaryOf } from './helpers.js';
import { withQueuePrefix } from './queue-sandbox.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function box(): Promise<Sandbox> {
  const b = await sandbox();
  cleanups.push(() => fs.rm(b.dir, { recursive: true, force: true }));
  return b;
}

async function write(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    await fs.mkdir(join(root, rel, '..'), { recursive: true });
    await fs.writeFile(join(root, rel), text);
  }
}

/** A backup of ten files: two at the top, eight in photos/. */
const BACKUP: Record<string, string> = {
  'a.txt': 'a',
  'b.txt': 'b',
  ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`photos/p${i}.jpg`, `photo ${i}`])),
};

async function backup(b: Sandbox): Promise<string> {
  const dst = join(b.dir, 'backup');
  await write(dst, BACKUP);
  return dst;
}

describe('sync --delete: the deletion guard', () => {
  it('an empty source deletes nothing, says why and exits 1; --delete-all deletes', async () => {
    const b = await box();
    const src = join(b.dir, 'empty');
    await fs.mkdir(src);
    const dst = await backup(b);

    const run = await ferry(['sync', src, dst, '--delete'], b);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'Held back: 3 deletion(s), nothing deleted: the source lists no files while the destination holds 10: a listing that came back wrong looks the same; add --delete-all if the source really is empty',
    );
    expect(run.stderr).toContain('Files: 0 copied, 0 rapid, 0 skipped, 0 failed, 0 deleted');
    expect(await listFiles(dst)).toEqual(Object.keys(BACKUP).sort());

    const json = await ferry(['sync', src, dst, '--delete', '--json'], b);
    expect(json.code).toBe(1);
    expect(summaryOf(json)).toMatchObject({ deleted: 0, failed: 0, deletesHeld: 3, deletesHeldReason: expect.stringMatching(/source lists no files/) });

    // An explicit count does not lift the empty-source rule; only --delete-all or 100% does.
    expect((await ferry(['sync', src, dst, '--delete', '--max-delete', '1000'], b)).code).toBe(1);
    expect(await listFiles(dst)).toHaveLength(10);

    const all = await ferry(['sync', src, dst, '--delete', '--delete-all', '--json'], b);
    expect(all.code, all.stderr).toBe(0);
    expect(summaryOf(all)).toMatchObject({ deleted: 3, deletesHeld: 0 });
    expect(await listFiles(dst)).toEqual([]);
  });

  it('a mostly-empty source: copies land, deletions wait; --max-delete N holds them, --max-delete P% lets them go', async () => {
    const b = await box();
    const dst = await backup(b);
    const src = join(b.dir, 'src');
    // The source kept one photo and gained a file: 9 of the backup's 10 files would go.
    await fs.mkdir(join(src, 'photos'), { recursive: true });
    await fs.copyFile(join(dst, 'photos', 'p0.jpg'), join(src, 'photos', 'p0.jpg'));
    await write(src, { 'new.txt': 'new' });

    const dry = await ferry(['sync', src, dst, '--delete', '--dry-run'], b);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('would delete a.txt');
    expect(dry.stderr).toContain(
      "Dry run: a real run would hold these deletions back: it would delete 9 of the destination's 10 files, more than half; add --max-delete 100% (or --delete-all) if that is meant",
    );

    const run = await ferry(['sync', src, dst, '--delete', '--json'], b);
    expect(run.code).toBe(1);
    expect(summaryOf(run)).toMatchObject({ copied: 1, deleted: 0, failed: 0, deletesHeld: 9 });
    expect(await listFiles(dst)).toEqual([...Object.keys(BACKUP), 'new.txt'].sort());

    const counted = await ferry(['sync', src, dst, '--delete', '--max-delete', '8'], b);
    expect(counted.code).toBe(1);
    expect(counted.stderr).toContain('Held back: 9 deletion(s), nothing deleted: it would delete 9 files, more than --max-delete 8');
    const share = await ferry(['sync', src, dst, '--delete', '--max-delete', '80%'], b);
    expect(share.code).toBe(1);
    expect(share.stderr).toContain("it would delete 9 of the destination's 11 files (81.8%), more than --max-delete 80%");
    expect(await listFiles(dst)).toHaveLength(11);

    const allowed = await ferry(['sync', src, dst, '--delete', '--max-delete', '90%', '--json'], b);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(summaryOf(allowed)).toMatchObject({ deleted: 9, deletesHeld: 0 });
    expect(await listFiles(dst)).toEqual(['new.txt', 'photos/p0.jpg']);
  });

  it('refuses a malformed limit, or one without --delete, with one line and exit 2', async () => {
    const b = await box();
    const src = join(b.dir, 'src');
    const dst = await backup(b);
    await write(src, { 'a.txt': 'a' });
    const cases: [string[], string][] = [
      [['--delete', '--max-delete', '101%'], "ferry: --max-delete takes a number of files (10) or a percentage of dest's files from 0% to 100% (25%), got '101%'"],
      [['--delete', '--max-delete', 'ten'], "ferry: --max-delete takes a number of files (10) or a percentage of dest's files from 0% to 100% (25%), got 'ten'"],
      [['--delete', '--max-delete', '-1'], "ferry: --max-delete takes a number of files (10) or a percentage of dest's files from 0% to 100% (25%), got '-1'"],
      [['--max-delete', '5'], 'ferry: --max-delete limits the deletions of --delete: add --delete'],
      [['--delete-all'], 'ferry: --delete-all limits the deletions of --delete: add --delete'],
      [['--delete', '--max-delete', '5', '--delete-all'], 'ferry: --max-delete and --delete-all cannot be used together'],
    ];
    for (const [flags, message] of cases) {
      const run = await ferry(['sync', src, dst, ...flags], b);
      expect(run.code, flags.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n'), flags.join(' ')).toEqual([message]);
    }
    expect((await ferry(['copy', src, dst, '--max-delete', '5'], b)).code).toBe(2);
    expect(await listFiles(dst)).toEqual(Object.keys(BACKUP).sort());
  });

  it('queued: the same rules on a worker, shown by `jobs show`; a schedule takes the limit, checked when added', async () => {
    const b = withQueuePrefix(await box(), cleanups);
    const src = join(b.dir, 'empty');
    await fs.mkdir(src);
    const dst = await backup(b);
    const worker = startFerry(['worker', '--concurrency', '2'], b);
    const workerDone = finished(worker);
    cleanups.push(async () => {
      if (worker.exitCode === null) worker.kill('SIGTERM');
      await workerDone;
    });

    const run = await ferry(['sync', src, dst, '--delete', '--queue', '--wait'], b);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Held back: 3 deletion(s), nothing deleted: the source lists no files while the destination holds 10');
    const id = run.stdout.trim();
    const show = await ferry(['jobs', 'show', id], b);
    expect(show.stdout).toContain(`Transfer ${id}: partial`);
    expect(show.stdout).toContain('  held back: 3 deletion(s), nothing deleted: the source lists no files while the destination holds 10');
    expect(await listFiles(dst)).toHaveLength(10);

    const bad = await ferry(['schedule', 'add', 'nightly', 'sync', src, dst, '--cron', '0 3 * * *', '--delete', '--max-delete', '50 %'], b);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^ferry: --max-delete takes a number of files/);
    const add = await ferry(['schedule', 'add', 'nightly', 'sync', src, dst, '--cron', '0 3 * * *', '--delete', '--max-delete', '25%'], b);
    expect(add.code, add.stderr).toBe(0);
    const list = await ferry(['schedule', 'list'], b);
    expect(list.stdout).toMatch(/^nightly {2}"0 3 \* \* \*" .* --delete --max-delete 25%$/m);
    expect((await ferry(['schedule', 'rm', 'nightly'], b)).code).toBe(0);
  });
});

describe('a 115 source that did not list never counts as empty', () => {
  let emu: P115Emulator;
  let b: Sandbox;
  let cookie: string;

  beforeAll(async () => {
    emu = await startP115Emulator({ users: ['alice'] });
    b = await sandbox();
    cookie = `cookie=${emu.users[0]!.cookie}`;
    expect((await ferry(['remote', 'add', 'em', 'p115', cookie, ...p115EndpointArgs(emu)], b)).code).toBe(0);
  });
  afterAll(async () => {
    await emu.close();
    await fs.rm(b.dir, { recursive: true, force: true });
  });

  it('a folder id 115 answers with the root listing (its unknown-id fallback) fails the run, and the backup keeps every file', async () => {
    emu.putFile('alice', 'Photos/one.jpg', Buffer.from('one'));
    // Not a folder: 115 lists an id it has no folder for as the drive's root.
    const file = emu.putFile('alice', 'Photos/two.jpg', Buffer.from('two'));
    expect((await ferry(['remote', 'add', 'stale', 'p115', cookie, `root_id=${file.id}`, ...p115EndpointArgs(emu)], b)).code).toBe(0);
    const dst = await backup(b);
    const run = await ferry(['sync', 'stale:/', dst, '--delete', '--delete-all'], b);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('failed: .: stale:/: no such folder on 115');
    // The source folder never listed, so no deletion was even planned.
    expect(run.stderr).toContain('Files: 0 copied, 0 rapid, 0 skipped, 1 failed, 0 deleted');
    expect(await listFiles(dst)).toEqual(Object.keys(BACKUP).sort());
    await fs.rm(dst, { recursive: true });
  });

  it('an expired share as source fails the run, and the backup keeps every file', async () => {
    emu.putFile('alice', 'old/gone.txt', Buffer.from('gone'));
    const share = emu.createShare('alice', ['/old'], { expireTime: Math.floor(Date.now() / 1000) - 86_400 });
    const dst = await backup(b);
    const link = `https://115.com/s/${share.share_code}?password=${share.receive_code}`;
    const run = await ferry(['sync', link, dst, '--delete', '--delete-all', '--account', 'em'], b);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/expired/);
    expect(await listFiles(dst)).toEqual(Object.keys(BACKUP).sort());
    await fs.rm(dst, { recursive: true });
  });
});
