import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type P115Emulator, startP115Emulator } from '@ferry/emulators';
import { type Sandbox, cleanupAfterEach, ferry, finished, p115EndpointArgs, sandbox, startFerry, summaryOf } from './helpers.js';
import { withQueuePrefix } from './queue-sandbox.js';

let emu: P115Emulator;
let box: Sandbox;
let link: string;
const film = randomBytes(300_000);
const notes = Buffer.from('shared notes\n');

/** key=value options pointing a p115 remote at the emulator, logged in as `user`. */
function remoteArgs(e: P115Emulator, user: string): string[] {
  return [`cookie=${e.users.find((u) => u.name === user)!.cookie}`, ...p115EndpointArgs(e)];
}

beforeAll(async () => {
  emu = await startP115Emulator({ users: ['alice', 'bob'] });
  emu.putFile('alice', 'Films/Season 1/e01.mkv', film);
  emu.putFile('alice', 'Films/poster.jpg', Buffer.from('jpeg bytes'));
  emu.putFile('alice', 'notes.txt', notes);
  const share = emu.createShare('alice', ['/Films', '/notes.txt'], { receiveCode: 'ab12' });
  link = `https://115cdn.com/s/${share.share_code}?password=${share.receive_code}#`;
  box = await sandbox();
  expect((await ferry(['remote', 'add', 'bob115', 'p115', ...remoteArgs(emu, 'bob')], box)).code).toBe(0);
});
afterAll(async () => {
  await emu.close();
  await fs.rm(box.dir, { recursive: true, force: true });
});

describe('ferry import-share', () => {
  it('copies a share to local disk with the only 115 account downloading, then skips it all on a rerun', async () => {
    const dst = join(box.dir, 'imported');
    const run = await ferry(['import-share', link, dst, '--json'], box);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(summaryOf(run)).toMatchObject({ copied: 3, failed: 0 });
    expect((await fs.readFile(join(dst, 'Films', 'Season 1', 'e01.mkv'))).equals(film)).toBe(true);
    expect(await fs.readFile(join(dst, 'notes.txt'))).toEqual(notes);

    const again = await ferry(['import-share', link, dst, '--json'], box);
    expect(summaryOf(again)).toMatchObject({ copied: 0, skipped: 3, failed: 0 });
  });

  it('a 115 destination receives the share server-side: one receive per missing item, no byte downloaded', async () => {
    const receives = emu.shareReceives;
    const served = emu.cdnBytesServed;
    const run = await ferry(['import-share', link, 'bob115:/Imported', '--account', 'bob115', '--json'], box);
    expect(run.code).toBe(0);
    expect(summaryOf(run)).toMatchObject({ imported: 2, copied: 0, failed: 0 });
    expect(emu.shareReceives - receives).toBe(2);
    expect(emu.cdnBytesServed).toBe(served);
    const ls = await ferry(['ls', '-R', 'bob115:/Imported'], box);
    expect(ls.stdout).toContain('e01.mkv');
    expect(ls.stdout).toContain('notes.txt');

    const again = await ferry(['import-share', link, 'bob115:/Imported', '--json'], box);
    expect(summaryOf(again)).toMatchObject({ imported: 0, skipped: 3, failed: 0 });
    expect(emu.shareReceives - receives).toBe(2);
  });

  it('reads links from a file and refuses a bad one before importing anything', async () => {
    const list = join(box.dir, 'links.txt');
    await fs.writeFile(list, `# my shares\n${link}\n\nnot a link at all\n`);
    const dst = join(box.dir, 'from-file');
    const run = await ferry(['import-share', '--from-file', list, dst], box);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('not a 115 share link');
    await expect(fs.stat(dst)).rejects.toThrow();

    await fs.writeFile(list, `# my shares\n${link}\n`);
    const ok = await ferry(['import-share', '--from-file', list, dst, '--json'], box);
    expect(ok.code).toBe(0);
    expect(summaryOf(ok)).toMatchObject({ copied: 3 });
  });

  it('with several 115 accounts, a 115 destination is the account; elsewhere --account is asked for', async () => {
    const two = await sandbox();
    try {
      for (const [name, user] of [['a115', 'alice'], ['b115', 'bob']] as const) {
        expect((await ferry(['remote', 'add', name, 'p115', ...remoteArgs(emu, user)], two)).code).toBe(0);
      }
      const local = await ferry(['import-share', link, join(two.dir, 'x')], two);
      expect(local.code).toBe(2);
      expect(local.stderr).toContain('several 115 accounts are configured (a115, b115): choose one with --account');
      const toBob = await ferry(['import-share', link, 'b115:/Again', '--json'], two);
      expect(toBob.code).toBe(0);
      expect(summaryOf(toBob)).toMatchObject({ imported: 2, failed: 0 });
    } finally {
      await fs.rm(two.dir, { recursive: true, force: true });
    }
  });

  it('a wrong access code is a one-line error naming the share, then the per-link summary', async () => {
    const bad = link.replace('password=ab12', 'password=zz99');
    const run = await ferry(['import-share', bad, join(box.dir, 'nope')], box);
    expect(run.code).toBe(1);
    const errors = run.stderr.trim().split('\n').filter((l) => l.startsWith('ferry:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/access code for 115 share sw/);
    expect(run.stderr).toContain('Links: 0 ok, 1 failed');
  });
});

describe('ferry import-share --queue', () => {
  const cleanups = cleanupAfterEach();

  it('runs on `ferry worker` and shows as an import-share transfer', async () => {
    const qbox = withQueuePrefix(box, cleanups);
    const worker = startFerry(['worker', '--concurrency', '2'], qbox);
    const workerDone = finished(worker);
    cleanups.push(async () => {
      if (worker.exitCode === null) worker.kill('SIGTERM');
      await workerDone;
    });
    const dst = join(box.dir, 'queued');
    const run = await ferry(['import-share', link, dst, '--queue', '--wait'], qbox);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Files: 3 copied');
    expect((await fs.readFile(join(dst, 'Films', 'Season 1', 'e01.mkv'))).equals(film)).toBe(true);
    const list = await ferry(['jobs', 'list'], qbox);
    expect(list.stdout).toContain('import-share');
  });
});
