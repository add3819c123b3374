import { afterAll, describe, expect, it } from 'vitest';
import { AuthError, BadInput, type Entry } from '@ferry/core';
import { finishQrLogin, pollQrStatus, startQrLogin, waitForQrLogin } from '../src/index.js';
import { emulatorOptions, emulatorProvider, lazyEmulator } from './p115-helpers.js';

const emulator = lazyEmulator();
afterAll(() => emulator.close());

async function collect(entries: AsyncIterable<Entry>): Promise<Entry[]> {
  const out: Entry[] = [];
  for await (const e of entries) out.push(e);
  return out;
}

describe('p115 QR login', () => {
  it('goes through waiting, scanned and confirmed, and the cookie works once', async () => {
    const emu = await emulator.get();
    const ep = emulatorOptions(emu);
    const ticket = await startQrLogin(ep, 'tv');
    expect(ticket.content).toContain(ticket.uid);
    expect(await pollQrStatus(ep, ticket)).toBe(0);
    await expect(finishQrLogin(ep, ticket)).rejects.toBeInstanceOf(BadInput);
    emu.scanQr(ticket.uid);
    expect(await pollQrStatus(ep, ticket)).toBe(1);
    emu.confirmQr(ticket.uid, 'bob');
    const seen: number[] = [];
    const result = await waitForQrLogin(ep, ticket, (s) => seen.push(s), 10);
    expect(seen).toEqual([2]);
    expect(result.userId).toBe(emu.users[1]!.user_id);
    expect(result.cookie).toMatch(new RegExp(`^UID=${result.userId}_I1_\\d+; CID=\\w+; SEID=\\w+; KID=\\w+$`));
    const provider = emulatorProvider(emu, 1, { cookie: result.cookie });
    expect(await collect(provider.list('/'))).toEqual([]);
    await provider.close();
    // The login answer is given once per QR code.
    await expect(finishQrLogin(ep, ticket)).rejects.toThrow(/二维码已失效/);
  });

  it('reports expired and canceled codes', async () => {
    const emu = await emulator.get();
    const ep = emulatorOptions(emu);
    const expired = await startQrLogin(ep, 'web');
    emu.expireQr(expired.uid);
    await expect(waitForQrLogin(ep, expired, () => {}, 10)).rejects.toThrow(/expired/);
    const canceled = await startQrLogin(ep, 'web');
    emu.scanQr(canceled.uid);
    emu.cancelQr(canceled.uid);
    const seen: number[] = [];
    await expect(waitForQrLogin(ep, canceled, (s) => seen.push(s), 10)).rejects.toBeInstanceOf(AuthError);
    expect(seen).toEqual([-2]);
  });

  it('refuses the withdrawn desktop apps with 115\'s reason', async () => {
    const emu = await emulator.get();
    await expect(startQrLogin(emulatorOptions(emu), 'linux')).rejects.toThrow(/系统已下架/);
    // The server refuses them as well, with state 0 and errno 0.
    const res = await fetch(`${emu.hosts.passportapi}/app/1.0/mac/1.0/login/qrcode`, {
      method: 'POST',
      body: new URLSearchParams({ account: 'x', app: 'mac' }),
    }).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(res).toMatchObject({ state: 0, errno: 0 });
    expect(String(res['error'])).toContain('系统已下架');
  });

  it('logging in again with the same app kicks the old session out', async () => {
    const emu = await emulator.get();
    const ep = emulatorOptions(emu);
    const login = async () => {
      const ticket = await startQrLogin(ep, 'alipaymini');
      emu.scanQr(ticket.uid);
      emu.confirmQr(ticket.uid, 'alice');
      return (await waitForQrLogin(ep, ticket, () => {}, 10)).cookie;
    };
    const first = emulatorProvider(emu, 0, { cookie: await login() });
    await collect(first.list('/'));
    const second = emulatorProvider(emu, 0, { cookie: await login() });
    await collect(second.list('/'));
    await expect(collect(first.list('/'))).rejects.toThrow('115 session expired: run `ferry login p115 em`');
    // Another app's slot is untouched.
    const web = emulatorProvider(emu, 0);
    await collect(web.list('/'));
    await Promise.all([first.close(), second.close(), web.close()]);
  });
});
