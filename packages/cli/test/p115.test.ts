import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type P115Emulator, startP115Emulator } from '@ferry/emulators';
import { type Sandbox, ferry, finished, p115EndpointArgs, sandbox, startFerry, summaryOf, waitFor } from './helpers.js';

let emu: P115Emulator;
let box: Sandbox;

beforeAll(async () => {
  emu = await startP115Emulator();
  box = await sandbox();
  const added = await ferry(['remote', 'add', 'em', 'p115', ...p115EndpointArgs(emu)], box);
  expect(added.code).toBe(0);
});
afterAll(async () => {
  await emu.close();
  await fs.rm(box.dir, { recursive: true, force: true });
});

/** Resolves with the first stderr/stdout text matching `re` from a running child. */
describe('ferry and 115', () => {
  it('login p115 shows the QR code and its status, saves the cookie, and ls works with it', async () => {
    const child = startFerry(['login', 'p115', 'em', '--app', 'tv', '--poll-ms', '20'], box);
    const done = finished(child);
    const [, uid] = await waitFor(child.stderr!, /QR code content: \S+dg-([0-9a-f]+)/);
    emu.scanQr(uid!);
    emu.confirmQr(uid!, 'alice');
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("logging in as 'tv' (slot I1) logs out");
    expect(result.stderr).toContain('Status: confirmed');
    expect(result.stderr).toContain("session saved into remote 'em'");
    const config = JSON.parse(await fs.readFile(box.env['FERRY_CONFIG']!, 'utf8')) as { remotes: { em: { cookie: string } } };
    expect(config.remotes.em.cookie).toMatch(/^UID=\d+_I1_\d+; CID=/);
    expect(result.stderr).not.toContain(config.remotes.em.cookie);

    emu.putFile('alice', 'docs/readme.txt', Buffer.from('hello 115'));
    const ls = await ferry(['ls', 'em:/docs'], box);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toContain('readme.txt');
    const dst = join(box.dir, 'copied');
    const copy = await ferry(['copy', 'em:/docs', dst, '--json'], box);
    expect(summaryOf(copy)).toMatchObject({ copied: 1, failed: 0 });
    expect(await fs.readFile(join(dst, 'readme.txt'), 'utf8')).toBe('hello 115');
  });

  it('login refuses the withdrawn desktop apps with 115\'s reason', async () => {
    const r = await ferry(['login', 'p115', 'em', '--app', 'linux'], box);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('系统已下架');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('offline add, list and rm', async () => {
    const payload = randomBytes(5000);
    const origin = createServer((_req, res) => res.end(payload));
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(origin.address() as AddressInfo).port}/pub/file.iso`;
      const add = await ferry(['offline', 'add', url, 'bogus', 'em:/'], box);
      expect(add.code).toBe(1);
      const hash = /added {2}([0-9a-f]{40}) {2}/.exec(add.stdout)?.[1];
      expect(hash).toBeDefined();
      expect(add.stdout).toContain('refused  -  bogus: not a link 115 can download (10004)');
      let list = await ferry(['offline', 'list', 'em'], box);
      while (!list.stdout.startsWith('done')) list = await ferry(['offline', 'list', 'em'], box);
      expect(list.stdout).toContain(`${hash}  file.iso`);
      const rm = await ferry(['offline', 'rm', 'em', hash!], box);
      expect(rm.code).toBe(0);
      expect((await ferry(['offline', 'list', 'em'], box)).stdout).toBe('');
    } finally {
      await new Promise((r) => origin.close(r));
    }
  });

  it('copy uploads a local tree to 115, and a second copy of the same bytes lands by rapid upload', async () => {
    const src = join(box.dir, 'upload-src');
    await fs.mkdir(join(src, 'sub'), { recursive: true });
    const big = randomBytes(3 * 1024 * 1024 + 11);
    await fs.writeFile(join(src, 'sub', 'big.bin'), big);
    await fs.writeFile(join(src, 'note.txt'), 'to 115\n');
    const first = await ferry(['copy', src, 'em:/uploaded', '--json'], box);
    expect(first.code).toBe(0);
    expect(summaryOf(first)).toMatchObject({ copied: 2, failed: 0 });
    const again = await ferry(['copy', src, 'em:/uploaded-again', '--json'], box);
    expect(summaryOf(again)).toMatchObject({ rapid: 2, copied: 0, failed: 0 });
    const back = join(box.dir, 'upload-back');
    expect((await ferry(['copy', 'em:/uploaded-again', back], box)).code).toBe(0);
    expect((await fs.readFile(join(back, 'sub', 'big.bin'))).equals(big)).toBe(true);
    expect(await fs.readFile(join(back, 'note.txt'), 'utf8')).toBe('to 115\n');
  });

  it('a copy to 115 killed mid-upload resumes from its checkpoint and lands verified', async () => {
    const MiB = 1024 * 1024;
    const src = join(box.dir, 'kill-src');
    await fs.mkdir(src);
    const data = randomBytes(32 * MiB + 5);
    await fs.writeFile(join(src, 'big.bin'), data);
    const added = await ferry(['remote', 'add', 'parts', 'p115', `cookie=${emu.users[0]!.cookie}`, ...p115EndpointArgs(emu), 'part_size=1M'], box);
    expect(added.code).toBe(0);
    const before = emu.uploadStats.ossBytes;
    const child = startFerry(['copy', src, 'parts:/killed'], box);
    const done = finished(child);
    const deadline = Date.now() + 240_000;
    while (emu.uploadStats.ossBytes - before < 6 * MiB) {
      if (Date.now() > deadline) throw new Error('the upload never got going');
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    const again = await ferry(['copy', src, 'parts:/killed', '--json'], box);
    expect(summaryOf(again)).toMatchObject({ copied: 1, failed: 0 });
    expect(summaryOf(again).resumedBytes).toBeGreaterThanOrEqual(MiB);
    const back = join(box.dir, 'kill-back');
    expect((await ferry(['copy', 'parts:/killed', back], box)).code).toBe(0);
    expect((await fs.readFile(join(back, 'big.bin'))).equals(data)).toBe(true);
  });

  it('emulate p115 prints a remote line whose uploads go to the real OSS host names, routed by connect_to', async () => {
    const child = startFerry(['emulate', 'p115'], box);
    const done = finished(child);
    const [line] = await waitFor(child.stdout!, /^ferry remote add alice p115 .*\n/m);
    expect(line).toMatch(/ oss_scheme=http 'connect_to=\*\.aliyuncs\.com=127\.0\.0\.1:\d+'/);
    // The printed words as a shell splits them (values with spaces are single-quoted).
    const words = line!.trim().match(/'[^']*'|[^\s']+/g)!.slice(1).map((w) => w.replace(/^'(.*)'$/, '$1'));
    const other = await sandbox();
    expect((await ferry(words, other)).code).toBe(0);
    const up = join(other.dir, 'up');
    await fs.mkdir(up);
    const data = randomBytes(300 * 1024 + 1);
    await fs.writeFile(join(up, 'line.bin'), data);
    const copied = await ferry(['copy', up, 'alice:/from-line', '--json'], other);
    expect(summaryOf(copied)).toMatchObject({ copied: 1, failed: 0 });
    expect((await ferry(['ls', 'alice:/from-line'], other)).stdout).toContain('line.bin');
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
    await fs.rm(other.dir, { recursive: true, force: true });
  });

  it('remote add refuses a malformed connect_to in one line', async () => {
    const r = await ferry(['remote', 'add', 'bad', 'p115', 'connect_to=aliyuncs.com'], box);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('connect_to');
  });

  it('emulate p115 --json prints one line any client can use, and stops on SIGTERM', async () => {
    const seed = join(box.dir, 'seed');
    await fs.mkdir(join(seed, 'a'), { recursive: true });
    await fs.writeFile(join(seed, 'a', 'x.txt'), 'seeded');
    const child = startFerry(['emulate', 'p115', '--seed', seed, '--json'], box);
    const done = finished(child);
    const [line] = await waitFor(child.stdout!, /^\{.*\}\n/);
    const info = JSON.parse(line!) as { hosts: P115Emulator['hosts']; users: { cookie: string }[]; rsa_n: string; rsa_e: string; ecdh_pub: string; oss_connect: string };
    expect(info.oss_connect).toMatch(/^127\.0\.0\.1:\d+$/);
    const other = await sandbox();
    await ferry(['remote', 'add', 'seeded', 'p115', `cookie=${info.users[0]!.cookie}`, ...p115EndpointArgs(info)], other);
    const ls = await ferry(['ls', '-R', 'seeded:/'], other);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toContain('a/x.txt');
    // Uploads reach the emulator's OSS, by its real host names, through oss_connect.
    const up = join(other.dir, 'up');
    await fs.mkdir(up);
    const data = randomBytes(2 * 1024 * 1024 + 9);
    await fs.writeFile(join(up, 'up.bin'), data);
    const copied = await ferry(['copy', up, 'seeded:/up', '--json'], other);
    expect(summaryOf(copied)).toMatchObject({ copied: 1, failed: 0 });
    const back = join(other.dir, 'back');
    expect((await ferry(['copy', 'seeded:/up', back], other)).code).toBe(0);
    expect((await fs.readFile(join(back, 'up.bin'))).equals(data)).toBe(true);
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
    await fs.rm(other.dir, { recursive: true, force: true });
  });
});
