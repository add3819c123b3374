import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunResult, type Sandbox, cleanupAfterEach, ferry, finished, p115EndpointArgs, sandbox, startFerry, summaryOf, waitFor } from './helpers.js';
import { withQueuePrefix } from './queue-sandbox.js';

/** A share as `ferry emulate p115 --json` prints it. */
interface ShareLine {
  url: string;
  share_code: string;
  receive_code: string;
}
interface EmulatorLine {
  hosts: Record<string, string>;
  oss_connect: string;
  users: { name: string; cookie: string }[];
  rsa_n: string;
  rsa_e: string;
  ecdh_pub: string;
  shares: ShareLine[];
  expired_shares: ShareLine[];
}
interface LinkResult {
  link: string;
  share_code: string;
  status: string;
  reason?: string;
  error?: string;
  files?: { copied: number; imported: number; skipped: number; failed: number };
}

const film = randomBytes(300_000);
const episode = Buffer.from('episode notes\n');
const notes = Buffer.from('shared notes\n');
const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

let box: Sandbox;
let emulator: ChildProcess;
let emulatorDone: Promise<RunResult>;
let info: EmulatorLine;
/** Shared /Films, /notes.txt, and /old shared with an expiry that has passed. */
let films: ShareLine;
let notesShare: ShareLine;
let expired: ShareLine;

beforeAll(async () => {
  box = await sandbox();
  const seed = join(box.dir, 'seed');
  await fs.mkdir(join(seed, 'Films', 'Season 1'), { recursive: true });
  await fs.mkdir(join(seed, 'old'), { recursive: true });
  await fs.writeFile(join(seed, 'Films', 'film.mkv'), film);
  await fs.writeFile(join(seed, 'Films', 'Season 1', 'e01.txt'), episode);
  await fs.writeFile(join(seed, 'notes.txt'), notes);
  await fs.writeFile(join(seed, 'old', 'gone.txt'), Buffer.from('gone\n'));
  emulator = startFerry(
    ['emulate', 'p115', '--seed', seed, '--users', 'alice,bob', '--share', '/Films', '--share', '/notes.txt', '--share-expired', '/old', '--json'],
    box,
  );
  emulatorDone = finished(emulator);
  const [line] = await waitFor(emulator.stdout!, /^\{.*\}\n/);
  info = JSON.parse(line!) as EmulatorLine;
  [films, notesShare] = info.shares as [ShareLine, ShareLine];
  [expired] = info.expired_shares as [ShareLine];
  // bob reads alice's shares: the owner would need no access code, a stranger does.
  const bob = info.users.find((u) => u.name === 'bob')!;
  const add = await ferry(['remote', 'add', 'bob115', 'p115', `cookie=${bob.cookie}`, ...p115EndpointArgs(info)], box);
  expect(add.code, add.stderr).toBe(0);
});

afterAll(async () => {
  emulator.kill('SIGTERM');
  await emulatorDone;
  await fs.rm(box.dir, { recursive: true, force: true });
});

describe('ferry emulate p115 --share-expired', () => {
  it('prints expired_shares beside shares, each a link 115 answers as expired', async () => {
    expect(info.shares).toHaveLength(2);
    expect(info.expired_shares).toHaveLength(1);
    expect(expired).toEqual({
      share_code: expect.stringMatching(/^[a-z0-9]+$/),
      receive_code: expect.stringMatching(/^[a-z0-9]{4}$/),
      url: `https://115.com/s/${expired.share_code}?password=${expired.receive_code}`,
    });
    const ls = await ferry(['ls', expired.url], box);
    expect(ls.code).toBe(1);
    expect(ls.stderr.trim().split('\n')).toHaveLength(1);
    expect(ls.stderr).toContain(`115 share ${expired.share_code} has expired`);
  });
});

describe('ferry import-share with dead links', () => {
  it('reports each dead link on one line, imports every good one, exits 1, and gives per-link results', async () => {
    const wrongCode = films.url.replace(`password=${films.receive_code}`, `password=${films.receive_code === 'zzzz' ? 'yyyy' : 'zzzz'}`);
    const list = join(box.dir, 'links.txt');
    await fs.writeFile(list, `# first one expired\n${expired.url}\n${films.url}\n${wrongCode}\n${notesShare.url}\n`);
    const dst = join(box.dir, 'imported');
    const run = await ferry(['import-share', '--from-file', list, dst, '--json'], box);
    expect(run.code).toBe(1);

    const dead = run.stderr.trim().split('\n');
    expect(dead).toHaveLength(2);
    expect(dead[0]).toContain(`skipping ${expired.url} (expired)`);
    expect(dead[0]).toContain('has expired');
    expect(dead[1]).toContain(`skipping ${wrongCode} (wrong-code)`);
    expect(dead[1]).toContain('access code');

    expect((await fs.readFile(join(dst, 'Films', 'film.mkv'))).equals(film)).toBe(true);
    expect(await fs.readFile(join(dst, 'Films', 'Season 1', 'e01.txt'))).toEqual(episode);
    expect(await fs.readFile(join(dst, 'notes.txt'))).toEqual(notes);

    const summary = summaryOf(run) as ReturnType<typeof summaryOf> & { links: LinkResult[] };
    expect(summary).toMatchObject({ copied: 3, failed: 0 });
    expect(summary.links.map((l) => [l.share_code, l.status, l.reason])).toEqual([
      [expired.share_code, 'dead', 'expired'],
      [films.share_code, 'ok', undefined],
      [films.share_code, 'dead', 'wrong-code'],
      [notesShare.share_code, 'ok', undefined],
    ]);
    expect(summary.links[1]!.files).toMatchObject({ copied: 2, failed: 0 });
    expect(summary.links[3]!.files).toMatchObject({ copied: 1, failed: 0 });
    expect(summary.links[0]!.error).toContain('has expired');
  });

  it('a dest that cannot be resolved is one error before any link is asked', async () => {
    const run = await ferry(['import-share', expired.url, notesShare.url, 'nosuch:/x'], box);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("ferry: unknown remote 'nosuch' (configured: bob115; add one with `ferry remote add`)\n");
  });

  it('ends the text summary with one line per link', async () => {
    const run = await ferry(['import-share', expired.url, notesShare.url, join(box.dir, 'text')], box);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Links: 1 ok, 1 failed');
    expect(run.stderr).toContain(`  expired: ${expired.url}: `);
    expect(run.stderr).toContain(`  ok: ${notesShare.url} (1 copied,`);
  });
});

describe('a share link where a path is taken', () => {
  it('ferry ls lists the share root, -R every folder below, with the only p115 account', async () => {
    const ls = await ferry(['ls', films.url], box);
    expect(ls.stderr).toBe('');
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/ -  .*  Films\/\n/);
    expect(ls.stdout).not.toContain('film.mkv');
    const deep = await ferry(['ls', '-R', `https://115cdn.com/s/${films.share_code} 访问码：${films.receive_code}`], box);
    expect(deep.code).toBe(0);
    expect(deep.stdout).toContain('Films/Season 1/e01.txt');
  });

  it('ferry hash prints the SHA-1 the share lists for every file', async () => {
    const run = await ferry(['hash', films.url, '--account', 'bob115'], box);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${sha1(episode)}  Films/Season 1/e01.txt\n${sha1(film)}  Films/film.mkv\n`);
  });

  it('ferry copy downloads a link to local disk, and a p115 dest receives it server-side', async () => {
    const dst = join(box.dir, 'copied');
    const run = await ferry(['copy', films.url, dst, '--json'], box);
    expect(run.code).toBe(0);
    expect(summaryOf(run)).toMatchObject({ copied: 2, failed: 0 });
    expect((await fs.readFile(join(dst, 'Films', 'film.mkv'))).equals(film)).toBe(true);

    const received = await ferry(['copy', films.url, 'bob115:/Received', '--json'], box);
    expect(received.code, received.stderr).toBe(0);
    // The missing Films folder is received whole, in one call.
    expect(summaryOf(received)).toMatchObject({ imported: 1, copied: 0, failed: 0 });
    const ls = await ferry(['ls', '-R', 'bob115:/Received'], box);
    expect(ls.stdout).toContain('Films/Season 1/e01.txt');
  });

  it('ferry sync --delete makes a folder match a link', async () => {
    const dst = join(box.dir, 'synced');
    await fs.mkdir(dst, { recursive: true });
    await fs.writeFile(join(dst, 'extra.txt'), 'not in the share');
    // The target's only file goes: past the default deletion guard (more than half).
    const run = await ferry(['sync', notesShare.url, dst, '--delete', '--delete-all', '--json'], box);
    expect(run.code, run.stderr).toBe(0);
    expect(summaryOf(run)).toMatchObject({ copied: 1, deleted: 1, failed: 0 });
    expect((await fs.readdir(dst)).sort()).toEqual(['notes.txt']);
  });

  it('a web address that is no share link, or an --account that is no p115 remote, is one line on stderr', async () => {
    const notShare = await ferry(['ls', 'https://example.com/files'], box);
    expect(notShare.code).toBe(1);
    expect(notShare.stderr).toBe(`ferry: not a 115 share link: "https://example.com/files" (expected https://115cdn.com/s/<code>?password=<access code>, or <code>-<access code>)\n`);
    const account = await ferry(['copy', films.url, join(box.dir, 'x'), '--account', 'nobody'], box);
    expect(account.code).toBe(2);
    expect(account.stderr.trim().split('\n')).toHaveLength(1);
    expect(account.stderr).toContain("--account: unknown remote 'nobody'");
  });
});

describe('a share link queued with --queue', () => {
  const cleanups = cleanupAfterEach();

  it('carries the share as an inline remote naming the account, never its cookie', async () => {
    const qbox = withQueuePrefix(box, cleanups);
    const run = await ferry(['copy', films.url, join(box.dir, 'queued'), '--queue'], qbox);
    expect(run.code, run.stderr).toBe(0);
    const list = await ferry(['jobs', 'list'], qbox);
    expect(list.stdout).toContain(`:p115-share,share_code=${films.share_code},receive_code=${films.receive_code},account=bob115:/`);
    const bob = info.users.find((u) => u.name === 'bob')!;
    expect(list.stdout).not.toContain(bob.cookie);
  });
});
