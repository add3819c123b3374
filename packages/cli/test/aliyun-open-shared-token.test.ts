import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { type Sandbox, aliyunOpenArgs, ferry, finished, sandbox, startFerry, waitFor } from './helpers.js';

interface Emulated {
  box: Sandbox;
  stop(): Promise<void>;
}

let running: Emulated | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** An emulated Aliyun account whose access tokens die every second, configured as remote `ali`. */
async function emulatedAccount(): Promise<Emulated> {
  const box = await sandbox();
  const seed = join(box.dir, 'seed');
  await fs.mkdir(seed);
  await fs.writeFile(join(seed, 'hello.txt'), 'hello');
  const child = startFerry(['emulate', 'aliyun-open', '--json', '--no-rate-limits', '--access-token-ttl', '1', '--seed', seed], box);
  const done = finished(child);
  const [line] = await waitFor(child.stdout!, /^\{.*\}\n/);
  const info = JSON.parse(line!) as { base: string; client_id: string; client_secret: string; refresh_token: string };
  const add = await ferry(
    ['remote', 'add', 'ali', 'aliyun-open', ...aliyunOpenArgs(info)],
    box,
  );
  expect(add.code, add.stderr).toBe(0);
  return {
    box,
    async stop() {
      child.kill('SIGTERM');
      await done;
      await fs.rm(box.dir, { recursive: true, force: true });
    },
  };
}

it('8 ferry processes started together on one Aliyun remote all succeed, round after round, and leave it authorized', async () => {
  running = await emulatedAccount();
  const { box } = running;
  for (let round = 0; round < 4; round++) {
    const results = await Promise.all(Array.from({ length: 8 }, () => ferry(['ls', 'ali:/'], box)));
    for (const r of results) {
      expect(r.stderr).not.toMatch(/Authorize again|refused/);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('hello.txt');
    }
  }
  // The token the config holds last is the live one, and no lock file was left behind.
  const after = await ferry(['ls', 'ali:/'], box);
  expect(after.code, after.stderr).toBe(0);
  expect((await fs.readdir(box.dir)).filter((n) => n.endsWith('.lock'))).toEqual([]);
}, 240_000);

it('remotes added while ferry processes rotate the token neither lose the rotated token nor get lost', async () => {
  running = await emulatedAccount();
  const { box } = running;
  const added: string[] = [];
  for (let round = 0; round < 3; round++) {
    const names = Array.from({ length: 4 }, (_, i) => `local${round}_${i}`);
    added.push(...names);
    const results = await Promise.all([
      ...Array.from({ length: 6 }, () => ferry(['ls', 'ali:/'], box)),
      ...names.map((n) => ferry(['remote', 'add', n, 'local', `root=${box.dir}`], box)),
    ]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
  }
  const list = await ferry(['remote', 'list'], box);
  for (const n of added) expect(list.stdout).toContain(`${n}: local`);
  const after = await ferry(['ls', 'ali:/'], box);
  expect(after.code, after.stderr).toBe(0);
}, 240_000);

it('a token lock left by a process that died is taken over', async () => {
  running = await emulatedAccount();
  const { box } = running;
  const dead = spawn(process.execPath, ['-e', '']);
  const pid = dead.pid!;
  await new Promise((resolve) => dead.on('exit', resolve));
  const lock = `${box.env.FERRY_CONFIG!}.aliyun-open_ali.lock`;
  await fs.writeFile(lock, JSON.stringify({ pid, host: hostname(), nonce: 'gone' }));

  const r = await ferry(['ls', 'ali:/'], box);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain('hello.txt');
  await expect(fs.stat(lock)).rejects.toMatchObject({ code: 'ENOENT' });
}, 60_000);

it('says "Authorize again" only when the refresh token is spent and the config holds no newer one', async () => {
  running = await emulatedAccount();
  const { box } = running;
  // A second config holding the same token: the first one's run spends it, and this one has no newer.
  const copy = await sandbox();
  await fs.copyFile(box.env.FERRY_CONFIG!, copy.env.FERRY_CONFIG!);
  expect((await ferry(['ls', 'ali:/'], box)).code).toBe(0);

  const stale = await ferry(['ls', 'ali:/'], copy);
  expect(stale.code).not.toBe(0);
  expect(stale.stderr).toMatch(/refused the refresh token \(RefreshTokenInvalid\) and the config holds no newer one.*Authorize again/);
  expect(stale.stderr.trim().split('\n')).toHaveLength(1);
  // The first config was never spent by that failure.
  expect((await ferry(['ls', 'ali:/'], box)).code).toBe(0);
  await fs.rm(copy.dir, { recursive: true, force: true });
}, 60_000);

it('emulate aliyun-open refuses an access-token lifetime that is not a positive whole number, in one line', async () => {
  const box = await sandbox();
  for (const bad of ['0', '1.5', 'soon']) {
    const r = await ferry(['emulate', 'aliyun-open', '--access-token-ttl', bad], box);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`ferry: --access-token-ttl must be a whole number from 1 to 86400, got '${bad}'`]);
  }
  await fs.rm(box.dir, { recursive: true, force: true });
});
