import { afterEach, expect, it } from 'vitest';
import { AuthError } from '@ferry/core';
import { type AliyunOpenEmulator, startAliyunOpenEmulator } from '@ferry/emulators';
import { AccessTokenExpired, AliyunOpenProvider, type AliyunOpenOptions, aliyunOpenOptions, startAliyunQrLogin, waitForAliyunQrLogin } from '../src/index.js';

let emulator: AliyunOpenEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function pkceEmulator(): Promise<{ emu: AliyunOpenEmulator; accessToken: string; expiresAt: Date }> {
  const emu = await startAliyunOpenEmulator();
  emulator = emu;
  emu.put('/films/a.mkv', Buffer.from('film'));
  const settings = { endpoint: emu.base, clientId: emu.client_id, clientSecret: '', drive: 'default' as const };
  const ticket = await startAliyunQrLogin(settings);
  emu.scanQr(ticket.sid);
  emu.confirmQr(ticket.sid);
  const result = await waitForAliyunQrLogin(settings, ticket, () => undefined, async () => undefined, 10);
  expect(result.refreshToken).toBeUndefined();
  return { emu, accessToken: result.accessToken, expiresAt: result.accessExpiresAt };
}

function provider(emu: AliyunOpenEmulator, options: Partial<AliyunOpenOptions>, saved: Record<string, unknown>[] = []): AliyunOpenProvider {
  const parsed = aliyunOpenOptions.parse({ client_id: emu.client_id, endpoint: emu.base, ...options });
  return new AliyunOpenProvider('pk', parsed, {
    saveOptions: async (patch) => {
      saved.push(patch);
    },
  });
}

async function names(p: AliyunOpenProvider): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of p.list('/')) out.push(entry.name);
  return out;
}

it('uses a stored access token before its expiry, with no client secret and no refresh', async () => {
  const { emu, accessToken, expiresAt } = await pkceEmulator();
  const saved: Record<string, unknown>[] = [];
  const p = provider(emu, { access_token: accessToken, access_token_expires: expiresAt.toISOString() }, saved);
  expect(await names(p)).toEqual(['films']);
  expect(emu.stats.refreshGrants).toBe(0);
  expect(saved).toEqual([]);
});

it('refuses a stored access token past its expiry, before any call, naming the date and the login to run', async () => {
  const { emu, accessToken } = await pkceEmulator();
  emu.resetStats();
  const p = provider(emu, { access_token: accessToken, access_token_expires: '2026-01-02T03:04:05Z' });
  const err = await names(p).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AccessTokenExpired);
  expect(err).toBeInstanceOf(AuthError);
  expect((err as Error).message).toBe(
    `the access token of remote 'pk' expired on 2026-01-02T03:04:05Z and a PKCE login has no refresh token: run \`ferry login aliyun-open pk --client-id ${emu.client_id}\` again (or log in with --client-secret for a token that renews)`,
  );
  expect((err as Error).message).not.toContain(accessToken);
  expect(Object.values(emu.stats.requests).reduce((a, b) => a + b, 0)).toBe(0);
});

it('stops shortly before the stored expiry rather than starting a call on a dying token', async () => {
  const { emu, accessToken } = await pkceEmulator();
  const p = provider(emu, { access_token: accessToken, access_token_expires: new Date(Date.now() + 10_000).toISOString() });
  await expect(names(p)).rejects.toBeInstanceOf(AccessTokenExpired);
});

it('reports an access token the service refuses, when no expiry is stored, as spent', async () => {
  const { emu, accessToken } = await pkceEmulator();
  emu.expireAccessTokens();
  const p = provider(emu, { access_token: accessToken });
  const err = await names(p).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AccessTokenExpired);
  expect((err as Error).message).toMatch(/^Aliyun Drive refused the access token of remote 'pk' \(expired or revoked\) and a PKCE login has no refresh token/);
});

it('with a refresh token too, renews by it once the stored access token expired, and saves the rotated one', async () => {
  const { emu, accessToken } = await pkceEmulator();
  const saved: Record<string, unknown>[] = [];
  const p = provider(
    emu,
    { access_token: accessToken, access_token_expires: '2026-01-02T03:04:05Z', refresh_token: emu.issueRefreshToken(), client_secret: emu.client_secret },
    saved,
  );
  expect(await names(p)).toEqual(['films']);
  expect(emu.stats.refreshGrants).toBe(1);
  expect(saved).toEqual([{ refresh_token: expect.any(String) as string }]);
});

it('needs one of refresh_token and access_token, and says so naming both', () => {
  const parsed = aliyunOpenOptions.safeParse({ client_id: 'x' });
  expect(parsed.success).toBe(false);
  expect(parsed.error?.issues.map((i) => i.message)).toEqual([
    'an aliyun-open remote needs refresh_token or access_token: authorize it with `ferry login aliyun-open REMOTE --client-id ID`',
  ]);
  expect(aliyunOpenOptions.safeParse({ access_token: 't', access_token_expires: 'soon' }).success).toBe(false);
});
