import { promises as fs } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { P115Emulator } from '@ferry/emulators';
import { type Sandbox, ferry, finished, p115EndpointArgs, sandbox, startFerry, waitFor } from './helpers.js';

type EmulatorLine = Pick<P115Emulator, 'hosts' | 'rsa_n' | 'rsa_e' | 'ecdh_pub'> & { oss_connect: string; users: { name: string; cookie: string }[] };

let box: Sandbox;
let emulator: ReturnType<typeof startFerry>;
let stopped: ReturnType<typeof finished>;
let info: EmulatorLine;

beforeAll(async () => {
  box = await sandbox();
  emulator = startFerry(['emulate', 'p115', '--qr-auto-confirm', '--json'], box);
  stopped = finished(emulator);
  const [line] = await waitFor(emulator.stdout!, /^\{.*\}\n/);
  info = JSON.parse(line!) as EmulatorLine;
});
afterAll(async () => {
  emulator.kill('SIGTERM');
  await stopped;
  await fs.rm(box.dir, { recursive: true, force: true });
});

async function cookieOf(remote: string): Promise<string> {
  const config = JSON.parse(await fs.readFile(box.env['FERRY_CONFIG']!, 'utf8')) as { remotes: Record<string, { cookie: string }> };
  return config.remotes[remote]!.cookie;
}

describe('ferry login p115 against ferry emulate p115 --qr-auto-confirm', () => {
  it('completes unattended, saves the new cookie, and the old session of that app slot is logged out', async () => {
    const old = info.users[0]!.cookie;
    expect((await ferry(['remote', 'add', 'R', 'p115', `cookie=${old}`, ...p115EndpointArgs(info)], box)).code).toBe(0);
    expect((await ferry(['remote', 'add', 'before', 'p115', `cookie=${old}`, ...p115EndpointArgs(info)], box)).code).toBe(0);
    expect((await ferry(['ls', 'before:/'], box)).code).toBe(0);

    // The emulator's users hold a `web` session: logging in as `web` takes over that slot.
    const login = await ferry(['login', 'p115', 'R', '--app', 'web'], box);
    expect(login.stderr).toContain('Status: confirmed');
    expect(login.stderr).toContain("session saved into remote 'R'");
    expect(login.code).toBe(0);

    const fresh = await cookieOf('R');
    expect(fresh).not.toBe(old);
    expect(fresh).toMatch(/^UID=\d+_A1_\d+; CID=/);
    expect(login.stderr).not.toContain(fresh);
    expect((await ferry(['ls', 'R:/'], box)).code).toBe(0);

    const refused = await ferry(['ls', 'before:/'], box);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('115 session expired: run `ferry login p115 before`');
  });

  it('logs in as an app other than web: the QR token is asked for as web, the app named only at the login step', async () => {
    const old = info.users[0]!.cookie;
    expect((await ferry(['remote', 'add', 'TV', 'p115', `cookie=${old}`, ...p115EndpointArgs(info)], box)).code).toBe(0);
    const login = await ferry(['login', 'p115', 'TV', '--app', 'tv'], box);
    expect(login.stderr).toContain('Status: confirmed');
    expect(login.code).toBe(0);
    const fresh = await cookieOf('TV');
    expect(fresh).not.toBe(old);
    expect((await ferry(['ls', 'TV:/'], box)).code).toBe(0);
  });
});
