import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { AuthError, BadInput, TransientError, sleep } from '@ferry/core';
import {
  ALIYUN_PATHS,
  ALIYUN_QR_SCOPES,
  ALIYUN_QR_STATUS,
  aliyunCodeChallenge,
  aliyunCodeGrantResponseSchema,
  aliyunDriveInfoSchema,
  aliyunQrCodeResponseSchema,
  aliyunQrContent,
  aliyunQrStatusPath,
  aliyunQrStatusResponseSchema,
} from '@ferry/protocols';
import { request } from '../http/undici.js';
import { type AliyunOpenApiFailure, networkError, parseFailure } from './errors.js';

export interface AliyunQrLoginSettings {
  /** API base URL (the real service or an emulator). */
  endpoint: string;
  clientId: string;
  /** Empty: authorize by PKCE, as a public client. */
  clientSecret: string;
  drive: 'default' | 'resource';
}

export interface AliyunQrTicket {
  sid: string;
  /** What the QR code encodes. */
  content: string;
  /** PKCE's secret half, kept until the token exchange. */
  codeVerifier?: string;
}

export interface AliyunQrLoginResult {
  /** Absent from a PKCE grant (aliyunpan-ios-sdk#57): the access token is then all the remote has. */
  refreshToken?: string;
  accessToken: string;
  /** When the access token expires, from the grant's expires_in. */
  accessExpiresAt: Date;
  driveId: string;
  userId: string;
  userName: string;
}

export type AliyunQrStatus = string;

/** QR codes shown before giving up when each one expires unconfirmed. */
export const ALIYUN_QR_CODES = 3;

/** What `ferry login aliyun-open` prints for each state the status call names. */
export const ALIYUN_QR_STATUS_TEXT: Record<string, string> = {
  [ALIYUN_QR_STATUS.waiting]: 'waiting for the QR code to be scanned with the Aliyun Drive app',
  [ALIYUN_QR_STATUS.scanned]: 'scanned: allow the access on the phone',
  [ALIYUN_QR_STATUS.confirmed]: 'confirmed',
  [ALIYUN_QR_STATUS.expired]: 'the QR code expired',
};

const CLIENT_ID_CODES = new Set(['InvalidClientId', 'AppNotExists', 'InvalidParameter.ClientId']);

function base(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The refusal of an OAuth call as one line naming what to fix. */
function refusal(settings: AliyunQrLoginSettings, failure: AliyunOpenApiFailure): Error {
  const { clientId, clientSecret } = settings;
  const cause = { cause: failure };
  if (CLIENT_ID_CODES.has(failure.code)) return new BadInput(`Aliyun Drive does not know client id '${clientId}' (${failure.code}): check --client-id`, cause);
  if (failure.code === 'InvalidClientSecret') {
    return clientSecret
      ? new BadInput(`Aliyun Drive refused the client secret of client id '${clientId}' (InvalidClientSecret): check --client-secret`, cause)
      : new BadInput(
          `Aliyun Drive refused client id '${clientId}' without its secret (InvalidClientSecret): give --client-secret, or make the app a public client in the developer console to authorize by PKCE`,
          cause,
        );
  }
  return new AuthError(`Aliyun Drive refused the authorization (${failure.status} ${failure.code}${failure.detail ? `: ${failure.detail}` : ''})`, cause);
}

async function call<S extends z.ZodType>(
  settings: AliyunQrLoginSettings,
  path: string,
  schema: S,
  init: { body?: unknown; accessToken?: string } = {},
): Promise<z.infer<S>> {
  const url = `${base(settings.endpoint)}${path}`;
  const where = `Aliyun Drive login (${path})`;
  let status: number;
  let text: string;
  try {
    const res = await request(url, {
      method: init.body === undefined ? 'GET' : 'POST',
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.accessToken ? { authorization: `Bearer ${init.accessToken}` } : {}),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    throw networkError(err, where);
  }
  if (status >= 500) throw new TransientError(`${where}: the service answered ${status}; try again later`);
  if (status !== 200) throw refusal(settings, parseFailure(status, text));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TransientError(`${where}: the service did not answer JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new TransientError(`${where}: unexpected reply`);
  return parsed.data;
}

/**
 * Step 1: a QR authorization. With the app's secret it is sent along, as AList-era desktop clients
 * do; without one the request carries a PKCE challenge, as the official SDKs' QR login does.
 */
export async function startAliyunQrLogin(settings: AliyunQrLoginSettings): Promise<AliyunQrTicket> {
  const codeVerifier = settings.clientSecret ? undefined : randomBytes(32).toString('hex');
  const body = {
    client_id: settings.clientId,
    ...(settings.clientSecret ? { client_secret: settings.clientSecret } : {}),
    scopes: [...ALIYUN_QR_SCOPES],
    ...(codeVerifier ? { code_challenge: aliyunCodeChallenge(codeVerifier, 'S256'), code_challenge_method: 'S256' } : {}),
  };
  const { sid } = await call(settings, ALIYUN_PATHS.authorizeQrCode, aliyunQrCodeResponseSchema, { body });
  return { sid, content: aliyunQrContent(sid), ...(codeVerifier ? { codeVerifier } : {}) };
}

/** Step 2: WaitLogin, ScanSuccess, LoginSuccess (with the authorization code) or QRCodeExpired. */
export async function pollAliyunQrStatus(settings: AliyunQrLoginSettings, ticket: AliyunQrTicket): Promise<{ status: AliyunQrStatus; authCode?: string }> {
  return call(settings, aliyunQrStatusPath(ticket.sid), aliyunQrStatusResponseSchema);
}

/** Step 3: the code for tokens, then the drive the remote will use. */
export async function finishAliyunQrLogin(settings: AliyunQrLoginSettings, ticket: AliyunQrTicket, authCode: string): Promise<AliyunQrLoginResult> {
  const grant = await call(settings, ALIYUN_PATHS.token, aliyunCodeGrantResponseSchema, {
    body: {
      client_id: settings.clientId,
      grant_type: 'authorization_code',
      code: authCode,
      ...(settings.clientSecret ? { client_secret: settings.clientSecret } : { code_verifier: ticket.codeVerifier }),
    },
  });
  const accessExpiresAt = new Date(Date.now() + grant.expires_in * 1000);
  const info = await call(settings, ALIYUN_PATHS.driveInfo, aliyunDriveInfoSchema, { body: {}, accessToken: grant.access_token });
  const driveId = settings.drive === 'resource' ? info.resource_drive_id : info.default_drive_id;
  if (!driveId) {
    throw new BadInput(
      `the authorization does not include the ${settings.drive} drive (getDriveInfo has no ${settings.drive}_drive_id): log in again and allow it on the phone, or use --drive default`,
    );
  }
  return {
    ...(grant.refresh_token ? { refreshToken: grant.refresh_token } : {}),
    accessToken: grant.access_token,
    accessExpiresAt,
    driveId,
    userId: info.user_id,
    userName: info.name ?? '',
  };
}

/**
 * Polls until the phone confirms, reporting each status change. An expired QR code is replaced by
 * a new one (shown through `onNewTicket`) until ALIYUN_QR_CODES have expired, which ends in AuthError.
 */
export async function waitForAliyunQrLogin(
  settings: AliyunQrLoginSettings,
  first: AliyunQrTicket,
  onStatus: (status: AliyunQrStatus) => unknown,
  onNewTicket: (ticket: AliyunQrTicket) => Promise<void>,
  pollMs = 1000,
): Promise<AliyunQrLoginResult> {
  let ticket = first;
  let shown = 1;
  let last: AliyunQrStatus | undefined;
  for (;;) {
    const { status, authCode } = await pollAliyunQrStatus(settings, ticket);
    if (status !== last) await onStatus(status);
    last = status;
    if (status === ALIYUN_QR_STATUS.confirmed) {
      if (!authCode) throw new TransientError('Aliyun Drive login: the QR status answered LoginSuccess without authCode; run the login again');
      return finishAliyunQrLogin(settings, ticket, authCode);
    }
    if (status === ALIYUN_QR_STATUS.expired) {
      if (shown >= ALIYUN_QR_CODES) throw new AuthError(`Aliyun Drive QR code expired ${shown} times without being confirmed: run the login again`);
      ticket = await startAliyunQrLogin(settings);
      shown++;
      last = undefined;
      await onNewTicket(ticket);
      continue;
    }
    await sleep(pollMs);
  }
}
