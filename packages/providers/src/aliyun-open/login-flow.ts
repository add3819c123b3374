import { BadInput, type LoginFlow, UsageError, describeZodError, findProviderFactory, storedOptions } from '@ferry/core';
import { aliyunOpenOptions } from './options.js';
import {
  ALIYUN_QR_STATUS_TEXT,
  type AliyunQrLoginResult,
  type AliyunQrLoginSettings,
  startAliyunQrLogin,
  waitForAliyunQrLogin,
} from './qrcode-login.js';

const TYPE = 'aliyun-open';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** What the login needs, from the flags first, then from the remote being logged in again. */
function settingsOf(saved: Record<string, unknown>, flags: Readonly<Record<string, string | undefined>>): AliyunQrLoginSettings {
  const clientId = flags['client-id'] ?? text(saved['client_id']);
  if (!clientId) throw new UsageError('--client-id is required: the app id of your Aliyun Drive Open Platform app');
  // A saved secret belongs to the saved client id only.
  const clientSecret = flags['client-secret'] ?? (clientId === saved['client_id'] ? text(saved['client_secret']) : undefined) ?? '';
  const drive = flags['drive'] ?? text(saved['drive']) ?? 'default';
  if (drive !== 'default' && drive !== 'resource') throw new UsageError(`--drive must be default or resource, got '${drive}'`);
  const endpoint = flags['endpoint'] ?? text(saved['endpoint']) ?? aliyunOpenOptions.shape.endpoint.parse(undefined);
  if (!URL.canParse(endpoint) || !/^https?:$/.test(new URL(endpoint).protocol)) throw new UsageError(`--endpoint must be an http(s) URL, got '${endpoint}'`);
  return { endpoint, clientId, clientSecret, drive };
}

/** "2026-12-31T08:00:00Z": the stored expiry, to the second. */
function isoSeconds(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The tokens a login leaves in the remote. With the secret, the refresh token (its access tokens
 * live two hours, in memory); by PKCE, the access token and its expiry, since Aliyun gives such a
 * grant no refresh token, and the refresh token too should one come. Tokens of an earlier login
 * are dropped, so the remote never mixes two authorizations.
 */
function tokensOf(result: AliyunQrLoginResult, pkce: boolean): Record<string, string> {
  return {
    ...(result.refreshToken ? { refresh_token: result.refreshToken } : {}),
    ...(pkce ? { access_token: result.accessToken, access_token_expires: isoSeconds(result.accessExpiresAt) } : {}),
  };
}

function savedWhat(result: AliyunQrLoginResult, pkce: boolean): string {
  if (!pkce) return 'refresh token';
  return result.refreshToken ? 'access and refresh tokens' : 'access token';
}

/** A PKCE login without refresh token ends on a date the user has to know. */
function expiryNote(result: AliyunQrLoginResult, pkce: boolean): string {
  if (!pkce || result.refreshToken) return '';
  return `\nThe access token expires on ${isoSeconds(result.accessExpiresAt)} and a PKCE login has no refresh token to renew it: log in again by then, or with --client-secret for a token that renews.`;
}

/**
 * `ferry login aliyun-open REMOTE --client-id ID [--client-secret S]`: the Open Platform's QR
 * authorization, its tokens and drive choice saved into the remote. Only what the user chose is
 * stored: options equal to their default are left out.
 */
export const aliyunOpenLoginFlow: LoginFlow = {
  name: 'aliyun-open',
  legacyNames: ['aliyun'],
  description: 'QR authorization of your Aliyun Drive Open Platform app; saves its tokens and drive choice',
  flags: [
    { flag: '--client-id <id>', description: 'app id of your Open Platform app (kept from the remote when logging in again)' },
    { flag: '--client-secret <secret>', description: 'app secret; without it the app must be a public client (PKCE)' },
    { flag: '--drive <drive>', description: 'the drive the remote uses: default|resource (default: default)' },
    { flag: '--endpoint <url>', description: 'API base URL, for an emulator or a compatible server (default https://openapi.alipan.com)' },
  ],
  examples: ['ferry login aliyun-open ali --client-id ID --client-secret SECRET   # --drive resource for the resource drive'],
  async run({ remote, saved = {}, flags, pollMs, emit }) {
    const settings = settingsOf(saved, flags);
    const ticket = await startAliyunQrLogin(settings);
    await emit({
      kind: 'notice',
      text: `Authorizing Aliyun Drive app ${settings.clientId} ${settings.clientSecret ? 'with its secret' : 'as a public client (PKCE, no secret)'}: scan the QR code with the Aliyun Drive app and allow the access.`,
    });
    await emit({ kind: 'qr', content: ticket.content });
    const result = await waitForAliyunQrLogin(
      settings,
      ticket,
      (status) => emit({ kind: 'status', text: ALIYUN_QR_STATUS_TEXT[status] ?? status }),
      (fresh) => emit({ kind: 'qr', content: fresh.content, fresh: true }),
      pollMs,
    );
    const pkce = !settings.clientSecret;
    return {
      options: (current = {}) => {
        const { client_secret: _secret, refresh_token: _refresh, access_token: _access, access_token_expires: _expires, ...rest } = current;
        const next: Record<string, unknown> = {
          ...rest,
          ...tokensOf(result, pkce),
          client_id: settings.clientId,
          ...(settings.clientSecret ? { client_secret: settings.clientSecret } : {}),
          drive: settings.drive,
          endpoint: settings.endpoint,
        };
        const check = aliyunOpenOptions.safeParse(next);
        if (!check.success) throw new BadInput(`remote '${remote}': ${describeZodError(check.error)}`);
        return storedOptions(findProviderFactory(TYPE)!, next);
      },
      done: ({ configPath }) =>
        `Logged in as ${result.userName || result.userId} (user ${result.userId}); ${settings.drive} drive ${result.driveId}; ${savedWhat(result, pkce)} saved into remote '${remote}' in ${configPath}${expiryNote(result, pkce)}`,
    };
  },
};
