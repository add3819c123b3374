import { afterEach, describe, expect, it } from 'vitest';
import { aliyunCodeChallenge } from '@ferry/protocols';
import { type AliyunOpenEmulator, type AliyunOpenEmulatorOptions, startAliyunOpenEmulator } from '../src/index.js';

let open: AliyunOpenEmulator[] = [];

afterEach(async () => {
  await Promise.all(open.map((e) => e.close()));
  open = [];
});

async function start(options: AliyunOpenEmulatorOptions = {}): Promise<AliyunOpenEmulator> {
  const emulator = await startAliyunOpenEmulator({ rateLimits: false, ...options });
  open.push(emulator);
  return emulator;
}

async function post(em: AliyunOpenEmulator, path: string, body: unknown) {
  const res = await fetch(`${em.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function status(em: AliyunOpenEmulator, sid: string) {
  return (await (await fetch(`${em.base}/oauth/qrcode/${sid}/status`)).json()) as { status: string; authCode?: string };
}

const SCOPES = ['user:base', 'file:all:read', 'file:all:write'];

/** A confirmed QR authorization's code, asked with `extra` in the QR request. */
async function authCode(em: AliyunOpenEmulator, extra: Record<string, string> = {}): Promise<string> {
  const qr = await post(em, '/oauth/authorize/qrcode', { client_id: em.client_id, scopes: SCOPES, ...extra });
  expect(qr.status).toBe(200);
  expect(await status(em, qr.body.sid)).toEqual({ status: 'WaitLogin' });
  em.scanQr(qr.body.sid);
  expect(await status(em, qr.body.sid)).toEqual({ status: 'ScanSuccess' });
  em.confirmQr(qr.body.sid);
  const done = await status(em, qr.body.sid);
  expect(done.status).toBe('LoginSuccess');
  return done.authCode!;
}

describe('Aliyun emulator QR authorization', () => {
  it('exchanges a confirmed code with the secret for a working pair, once', async () => {
    const em = await start();
    const code = await authCode(em);
    const pair = await post(em, '/oauth/access_token', { client_id: em.client_id, client_secret: em.client_secret, grant_type: 'authorization_code', code });
    expect(pair.status).toBe(200);
    expect(pair.body).toMatchObject({ token_type: 'Bearer', expires_in: 7200 });
    const info = await fetch(`${em.base}/adrive/v1.0/user/getDriveInfo`, { method: 'POST', headers: { authorization: `Bearer ${pair.body.access_token}` } });
    expect(((await info.json()) as { default_drive_id: string }).default_drive_id).toBe(em.drive_id);
    const refreshed = await post(em, '/oauth/access_token', { client_id: em.client_id, client_secret: em.client_secret, grant_type: 'refresh_token', refresh_token: pair.body.refresh_token });
    expect(refreshed.status).toBe(200);
    const again = await post(em, '/oauth/access_token', { client_id: em.client_id, client_secret: em.client_secret, grant_type: 'authorization_code', code });
    expect(again).toMatchObject({ status: 400, body: { code: 'InvalidCode' } });
  });

  it('checks the PKCE verifier against the challenge (padded or not) and grants no refresh token', async () => {
    const em = await start();
    const verifier = 'a'.repeat(64);
    const padded = aliyunCodeChallenge(verifier, 'S256');
    expect(padded).toMatch(/=$/);
    for (const challenge of [padded, padded.replace(/=+$/, '')]) {
      const code = await authCode(em, { code_challenge: challenge, code_challenge_method: 'S256' });
      const wrong = await post(em, '/oauth/access_token', { client_id: em.client_id, grant_type: 'authorization_code', code, code_verifier: 'b'.repeat(64) });
      expect(wrong).toMatchObject({ status: 400, body: { code: 'InvalidCode' } });
      const code2 = await authCode(em, { code_challenge: challenge, code_challenge_method: 'S256' });
      const right = await post(em, '/oauth/access_token', { client_id: em.client_id, grant_type: 'authorization_code', code: code2, code_verifier: verifier });
      expect(right.status).toBe(200);
      expect(right.body.refresh_token).toBeUndefined();
      expect(right.body.expires_in).toBe(30 * 24 * 3600);
    }
  });

  it('refuses PKCE for an app that is not a public client as a missing secret', async () => {
    const em = await start({ publicClient: false });
    const verifier = 'c'.repeat(64);
    const code = await authCode(em, { code_challenge: aliyunCodeChallenge(verifier, 'S256'), code_challenge_method: 'S256' });
    const refused = await post(em, '/oauth/access_token', { client_id: em.client_id, grant_type: 'authorization_code', code, code_verifier: verifier });
    expect(refused).toMatchObject({ status: 401, body: { code: 'InvalidClientSecret' } });
  });

  it('answers a wrong client id at the QR request, and QRCodeExpired once a code outlived its ttl', async () => {
    const em = await start({ qrTtlSec: 60 });
    const wrong = await post(em, '/oauth/authorize/qrcode', { client_id: 'nope', scopes: SCOPES });
    expect(wrong).toMatchObject({ status: 400, body: { code: 'InvalidClientId' } });
    const qr = await post(em, '/oauth/authorize/qrcode', { client_id: em.client_id, scopes: SCOPES });
    em.advanceClock(61_000);
    expect(await status(em, qr.body.sid)).toEqual({ status: 'QRCodeExpired' });
    expect(() => em.confirmQr(qr.body.sid)).toThrow();
    expect(await status(em, 'no-such-sid')).toEqual({ status: 'QRCodeExpired' });
  });
});
