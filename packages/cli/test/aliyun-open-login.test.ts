import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAliyunOpenEmulator } from '@ferry/emulators';
import { type Sandbox, ferry, finished, sandbox, startFerry, waitFor } from './helpers.js';

interface EmulatorLine {
  base: string;
  client_id: string;
  client_secret: string;
  refresh_token: string;
  drive_id: string;
}

type Remotes = Record<string, Record<string, string>>;

async function remotesOf(box: Sandbox): Promise<Remotes> {
  try {
    return (JSON.parse(await fs.readFile(box.env['FERRY_CONFIG']!, 'utf8')) as { remotes: Remotes }).remotes;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
}

/** The lines Ferry prints as errors. */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('ferry:'));
}

function sidsShown(stderr: string): string[] {
  return [...stderr.matchAll(/^QR code content: https:\/\/www\.aliyundrive\.com\/o\/oauth\/authorize\?sid=(\w+)$/gm)].map((m) => m[1]!);
}

let box: Sandbox;
let emulator: ReturnType<typeof startFerry>;
let stopped: ReturnType<typeof finished>;
let info: EmulatorLine;

beforeAll(async () => {
  box = await sandbox();
  const seed = join(box.dir, 'seed');
  await fs.mkdir(join(seed, 'films'), { recursive: true });
  await fs.writeFile(join(seed, 'films', 'a.mkv'), 'film');
  emulator = startFerry(['emulate', 'aliyun-open', '--seed', seed, '--qr-auto-confirm', '--json'], box);
  stopped = finished(emulator);
  const [line] = await waitFor(emulator.stdout!, /^\{.*\}\n/);
  info = JSON.parse(line!) as EmulatorLine;
});
afterAll(async () => {
  emulator.kill('SIGTERM');
  await stopped;
  await fs.rm(box.dir, { recursive: true, force: true });
});

describe('ferry login aliyun-open against ferry emulate aliyun-open --qr-auto-confirm', () => {
  it('completes unattended with the app secret, saves a new refresh token and the credentials, and the remote works', async () => {
    const login = await ferry(['login', 'aliyun-open', 'R', '--client-id', info.client_id, '--client-secret', info.client_secret, '--endpoint', info.base, '--poll-ms', '100'], box);
    expect(login.code, login.stderr).toBe(0);
    expect(sidsShown(login.stderr)).toHaveLength(1);
    expect(login.stderr).toContain('Status: confirmed');
    expect(login.stderr).toContain(`default drive ${info.drive_id}; refresh token saved into remote 'R'`);

    const saved = (await remotesOf(box))['R']!;
    // Only what the user chose: the default drive is left to the type's default.
    expect(Object.keys(saved).sort()).toEqual(['client_id', 'client_secret', 'endpoint', 'refresh_token', 'type']);
    expect(saved).toMatchObject({ type: 'aliyun-open', client_id: info.client_id, client_secret: info.client_secret, endpoint: info.base });
    expect(saved['refresh_token']).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(saved['refresh_token']).not.toBe(info.refresh_token);
    expect(login.stderr).not.toContain(saved['refresh_token']);

    const ls = await ferry(['ls', 'R:/'], box);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toContain('films/');
  });

  it('logs in again with the client id kept in the remote, and saves the resource drive when asked', async () => {
    const login = await ferry(['login', 'aliyun-open', 'R', '--drive', 'resource', '--poll-ms', '100'], box);
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toMatch(/resource drive \d+; refresh token saved into remote 'R'/);
    expect((await remotesOf(box))['R']).toMatchObject({ client_id: info.client_id, client_secret: info.client_secret, drive: 'resource' });
    const ls = await ferry(['ls', 'R:/'], box);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).not.toContain('films/');
  });

  it('names a wrong client id in one line, before any QR code, and saves nothing', async () => {
    const login = await ferry(['login', 'aliyun-open', 'W', '--client-id', 'not-an-app', '--client-secret', info.client_secret, '--endpoint', info.base], box);
    expect(login.code).toBe(1);
    expect(login.stderr.trim().split('\n')).toEqual(["ferry: Aliyun Drive does not know client id 'not-an-app' (InvalidClientId): check --client-id"]);
    expect((await remotesOf(box))['W']).toBeUndefined();
  });

  it('names a wrong client secret in one line, and saves nothing', async () => {
    const login = await ferry(['login', 'aliyun-open', 'W', '--client-id', info.client_id, '--client-secret', 'wrong-secret', '--endpoint', info.base, '--poll-ms', '100'], box);
    expect(login.code).toBe(1);
    expect(errorLines(login.stderr)).toEqual([`ferry: Aliyun Drive refused the client secret of client id '${info.client_id}' (InvalidClientSecret): check --client-secret`]);
    expect(login.stderr).not.toContain('wrong-secret');
    expect((await remotesOf(box))['W']).toBeUndefined();
  });

  it('authorizes by PKCE without a secret and saves the access token with its expiry; the remote works', async () => {
    const before = Date.now();
    const login = await ferry(['login', 'aliyun-open', 'P', '--client-id', info.client_id, '--endpoint', info.base, '--poll-ms', '100'], box);
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toContain('as a public client (PKCE, no secret)');
    expect(login.stderr).toContain(`default drive ${info.drive_id}; access token saved into remote 'P'`);
    expect(login.stderr).toMatch(/The access token expires on \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ and a PKCE login has no refresh token/);

    const saved = (await remotesOf(box))['P']!;
    // The emulator checked the verifier against the challenge: a mismatch would have failed the login.
    expect(Object.keys(saved).sort()).toEqual(['access_token', 'access_token_expires', 'client_id', 'endpoint', 'type']);
    expect(saved).toMatchObject({ type: 'aliyun-open', client_id: info.client_id, endpoint: info.base });
    expect(login.stderr).not.toContain(saved['access_token']);
    // A PKCE grant lives 30 days (the emulator's PKCE_ACCESS_TTL_SEC).
    const expires = Date.parse(saved['access_token_expires']!);
    expect(expires - before).toBeGreaterThan(29 * 24 * 3600 * 1000);
    expect(expires - before).toBeLessThanOrEqual(30 * 24 * 3600 * 1000 + 60_000);

    const ls = await ferry(['ls', 'P:/'], box);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toContain('films/');

    const show = await ferry(['remote', 'show', 'P'], box);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^access_token = \S+\*\*\*\S*$/m);
    expect(show.stdout).not.toContain(saved['access_token']);
  });

  it('stops at the stored expiry of a PKCE access token with one line saying to log in again', async () => {
    const config = JSON.parse(await fs.readFile(box.env['FERRY_CONFIG']!, 'utf8')) as { remotes: Remotes };
    config.remotes['P']!['access_token_expires'] = '2026-01-02T03:04:05Z';
    await fs.writeFile(box.env['FERRY_CONFIG']!, JSON.stringify(config));
    const ls = await ferry(['ls', 'P:/'], box);
    expect(ls.code).toBe(1);
    expect(ls.stderr.trim().split('\n')).toEqual([
      `ferry: the access token of remote 'P' expired on 2026-01-02T03:04:05Z and a PKCE login has no refresh token: run \`ferry login aliyun-open P --client-id ${info.client_id}\` again (or log in with --client-secret for a token that renews)`,
    ]);
  });

  it('logging in with the secret replaces the PKCE access token by a refresh token', async () => {
    const login = await ferry(['login', 'aliyun-open', 'P', '--client-secret', info.client_secret, '--poll-ms', '100'], box);
    expect(login.code, login.stderr).toBe(0);
    const saved = (await remotesOf(box))['P']!;
    expect(Object.keys(saved).sort()).toEqual(['client_id', 'client_secret', 'endpoint', 'refresh_token', 'type']);
    const ls = await ferry(['ls', 'P:/'], box);
    expect(ls.code, ls.stderr).toBe(0);
  });

  it('names both token options in one line when a remote holds neither', async () => {
    const config = JSON.parse(await fs.readFile(box.env['FERRY_CONFIG']!, 'utf8')) as { remotes: Remotes };
    config.remotes['N'] = { type: 'aliyun-open', client_id: info.client_id, endpoint: info.base };
    await fs.writeFile(box.env['FERRY_CONFIG']!, JSON.stringify(config));
    const ls = await ferry(['ls', 'N:/'], box);
    expect(ls.code).toBe(1);
    expect(ls.stderr.trim().split('\n')).toEqual([
      "ferry: remote 'N': an aliyun-open remote needs refresh_token or access_token: authorize it with `ferry login aliyun-open REMOTE --client-id ID`",
    ]);
  });

  it('documents the Aliyun flags in --help', async () => {
    const help = await ferry(['login', '--help'], box);
    expect(help.code).toBe(0);
    for (const flag of ['--client-id <id>', '--client-secret <secret>', '--drive <drive>', '--endpoint <url>', '--qr-png <file>', '--app <app>']) expect(help.stdout).toContain(flag);
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/\(service: (p115 or aliyun-open|aliyun-open or p115)\)/);
    expect(help.stdout).toContain('ferry login aliyun-open ali --client-id ID --client-secret SECRET');
    const emulate = await ferry(['emulate', 'aliyun-open', '--help'], box);
    expect(emulate.stdout).toContain('--qr-auto-confirm');
    expect(emulate.stdout).toContain('--qr-ttl <seconds>');
  });

  it('refuses flags of another service and a missing client id as usage errors', async () => {
    const app = await ferry(['login', 'aliyun-open', 'X', '--client-id', info.client_id, '--app', 'tv'], box);
    expect(app.code).toBe(2);
    expect(app.stderr.trim()).toBe('ferry: --app does not apply to aliyun-open logins');
    const noId = await ferry(['login', 'aliyun-open', 'X', '--endpoint', info.base], box);
    expect(noId.code).toBe(2);
    expect(noId.stderr).toContain('--client-id is required');
  });
});

describe('expired QR codes', () => {
  it('are reported after three codes expired unconfirmed (ferry emulate aliyun-open --qr-ttl)', async () => {
    const own = await sandbox();
    const emu = startFerry(['emulate', 'aliyun-open', '--qr-ttl', '1', '--json'], own);
    const down = finished(emu);
    try {
      const [line] = await waitFor(emu.stdout!, /^\{.*\}\n/);
      const e = JSON.parse(line!) as EmulatorLine;
      const login = await ferry(['login', 'aliyun-open', 'R', '--client-id', e.client_id, '--client-secret', e.client_secret, '--endpoint', e.base, '--poll-ms', '200'], own);
      expect(login.code).toBe(1);
      expect(new Set(sidsShown(login.stderr)).size).toBe(3);
      expect(login.stderr.match(/^A new QR code:$/gm)).toHaveLength(2);
      expect(login.stderr).toContain('Status: the QR code expired');
      expect(errorLines(login.stderr)).toEqual(['ferry: Aliyun Drive QR code expired 3 times without being confirmed: run the login again']);
      expect(await remotesOf(own)).toEqual({});
    } finally {
      emu.kill('SIGTERM');
      await down;
      await fs.rm(own.dir, { recursive: true, force: true });
    }
  });

  it('are replaced by a new code, which the phone can then confirm', async () => {
    const own = await sandbox();
    const emu = await startAliyunOpenEmulator();
    try {
      const child = startFerry(['login', 'aliyun-open', 'R', '--client-id', emu.client_id, '--client-secret', emu.client_secret, '--endpoint', emu.base, '--poll-ms', '50'], own);
      const done = finished(child);
      let log = '';
      child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
      /** Waits until the login has printed `count` matches of `re`, and answers the last one. */
      const printed = async (re: RegExp, count = 1): Promise<RegExpMatchArray> => {
        for (;;) {
          const all = [...log.matchAll(new RegExp(re.source, 'g'))];
          if (all.length >= count) return all[count - 1]!;
          if (child.exitCode !== null) throw new Error(`login ended without ${re}: ${log}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      const sid = /sid=(\w+)\n/;
      const [, first] = await printed(sid);
      await printed(/Status: waiting for the QR code to be scanned with the Aliyun Drive app\n/);
      emu.expireQrCodes();
      const [, second] = await printed(sid, 2);
      expect(second).not.toBe(first);
      // Each state change is printed once, in order, as the phone moves the new code along.
      await printed(/Status: waiting for the QR code to be scanned with the Aliyun Drive app\n/, 2);
      emu.scanQr(second!);
      await printed(/Status: scanned: allow the access on the phone\n/);
      emu.confirmQr(second!);
      const login = await done;
      expect(login.code, login.stderr).toBe(0);
      const statuses = login.stderr.split('\n').filter((line) => line.startsWith('Status: '));
      expect(statuses.slice(-4)).toEqual([
        'Status: the QR code expired',
        'Status: waiting for the QR code to be scanned with the Aliyun Drive app',
        'Status: scanned: allow the access on the phone',
        'Status: confirmed',
      ]);
      expect((await remotesOf(own))['R']).toMatchObject({ client_id: emu.client_id });
      expect((await ferry(['ls', 'R:/'], own)).code).toBe(0);
    } finally {
      await emu.close();
      await fs.rm(own.dir, { recursive: true, force: true });
    }
  });
});
