import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type P115Emulator, startP115Emulator } from '../src/index.js';

let emu: P115Emulator;

beforeAll(async () => {
  emu = await startP115Emulator({ users: ['alice', 'bob'] });
});
afterAll(() => emu.close());

type Reply = Record<string, any>;

async function qrcodeapi(path: string, cookie?: string): Promise<Reply> {
  const res = await fetch(`${emu.hosts.qrcodeapi}${path}`, { headers: cookie ? { cookie } : {} });
  return (await res.json()) as Reply;
}

/** A QR token, asked for as `web` whatever app logs in with it (115driver, p115client). */
async function newCode(): Promise<{ uid: string; status: () => Promise<number> }> {
  const token = (await qrcodeapi('/api/1.0/web/1.0/token/'))['data'] as { uid: string; time: number; sign: string };
  const q = new URLSearchParams({ uid: token.uid, time: String(token.time), sign: token.sign });
  return { uid: token.uid, status: async () => (await qrcodeapi(`/get/status/?${q}`))['data']['status'] as number };
}

async function login(uid: string, app = 'tv'): Promise<Reply> {
  const res = await fetch(`${emu.hosts.passportapi}/app/1.0/${app}/1.0/login/qrcode`, { method: 'POST', body: new URLSearchParams({ account: uid, app }) });
  return (await res.json()) as Reply;
}

describe('115 emulator: the phone side of a QR login over HTTP', () => {
  it('serves the QR token route for web only; an app named there gets an error and no token', async () => {
    expect(await qrcodeapi('/api/1.0/web/1.0/token/')).toMatchObject({ state: 1, data: { uid: expect.any(String), sign: expect.any(String) } });
    expect(await qrcodeapi('/api/1.0/web/1.0/token')).toMatchObject({ state: 1 });
    for (const app of ['tv', 'alipaymini', 'android']) {
      const refused = await qrcodeapi(`/api/1.0/${app}/1.0/token/`);
      expect(refused).toMatchObject({ state: 0, code: 990002 });
      expect(refused['data']).toEqual([]);
    }
  });

  it('scans and confirms as the user of the phone cookie, who then gets the session', async () => {
    const [alice, bob] = emu.users;
    const code = await newCode();
    expect(await qrcodeapi(`/api/2.0/prompt.php?uid=${code.uid}`)).toMatchObject({ state: false, errno: 99 });
    expect(await code.status()).toBe(0);

    const scanned = await qrcodeapi(`/api/2.0/prompt.php?uid=${code.uid}`, bob!.cookie);
    expect(scanned).toMatchObject({ state: 1, data: { do_params: { key: code.uid, uid: code.uid, client: 0 } } });
    expect(await code.status()).toBe(1);
    // Another user's phone cannot confirm what bob scanned.
    expect(await qrcodeapi(`/api/2.0/slogin.php?key=${code.uid}&uid=${code.uid}&client=0`, alice!.cookie)).toMatchObject({ state: 0, code: 990002 });
    expect(await qrcodeapi(`/api/2.0/slogin.php?key=${code.uid}&uid=${code.uid}&client=0`, bob!.cookie)).toMatchObject({ state: 1 });
    expect(await code.status()).toBe(2);

    const session = await login(code.uid);
    expect(session).toMatchObject({ state: 1, data: { user_id: Number(bob!.user_id), user_name: 'bob' } });
    expect(await qrcodeapi(`/api/2.0/cancel.php?key=${code.uid}&uid=${code.uid}&client=0`, bob!.cookie)).toMatchObject({ state: 0, code: 40199002 });
  });

  it('cancels a scanned code, refuses a confirm before the scan and an unknown code', async () => {
    const alice = emu.users[0]!;
    const code = await newCode();
    expect(await qrcodeapi(`/api/2.0/slogin.php?key=${code.uid}&uid=${code.uid}&client=0`, alice.cookie)).toMatchObject({ state: 0, code: 990002 });
    await qrcodeapi(`/api/2.0/prompt.php?uid=${code.uid}`, alice.cookie);
    expect(await qrcodeapi(`/api/2.0/cancel.php?key=${code.uid}&uid=${code.uid}&client=0`, alice.cookie)).toMatchObject({ state: 1 });
    expect(await code.status()).toBe(-2);
    expect(await login(code.uid)).toMatchObject({ state: 0 });
    expect(await qrcodeapi('/api/2.0/prompt.php?uid=nosuchcode', alice.cookie)).toMatchObject({ state: 0, code: 40199002 });
  });

  it('with qrAutoConfirm, a phone confirms every new code by itself', async () => {
    const auto = await startP115Emulator({ users: ['alice', 'bob'], qrAutoConfirm: { user: 'bob', afterMs: 200 } });
    try {
      const token = (await (await fetch(`${auto.hosts.qrcodeapi}/api/1.0/web/1.0/token/`)).json()) as Reply;
      const { uid, time, sign } = token['data'] as { uid: string; time: number; sign: string };
      const q = new URLSearchParams({ uid, time: String(time), sign });
      let status = 0;
      while (status !== 2) {
        status = ((await (await fetch(`${auto.hosts.qrcodeapi}/get/status/?${q}`)).json()) as Reply)['data']['status'] as number;
        expect([0, 1, 2]).toContain(status);
        await new Promise((r) => setTimeout(r, 50));
      }
      const res = await fetch(`${auto.hosts.passportapi}/app/1.0/web/1.0/login/qrcode`, { method: 'POST', body: new URLSearchParams({ account: uid, app: 'web' }) });
      expect(await res.json()).toMatchObject({ state: 1, data: { user_name: 'bob' } });
    } finally {
      await auto.close();
    }
  });
});
