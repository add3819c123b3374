import { request } from '../http/undici.js';
import type { z } from 'zod';
import { AuthError, BadInput, TransientError, sleep } from '@ferry/core';
import {
  type App115,
  QR_STATUS,
  SSOENT_BY_APP,
  WITHDRAWN_APPS,
  WITHDRAWN_APP_MESSAGE,
  envelope115,
  failureOf,
  formatCookie115,
  qrLogin115,
  qrStatus115,
  qrToken115,
} from '@ferry/protocols';

export interface QrLoginEndpoints {
  qrcodeapi_url: string;
  passportapi_url: string;
  user_agent: string;
}

export interface QrTicket {
  app: App115;
  uid: string;
  time: number;
  sign: string;
  /** What the QR code encodes. */
  content: string;
}

export interface QrLoginResult {
  cookie: string;
  userId: string;
  userName: string;
}

/** The apps `ferry login` offers (115 withdrew the desktop ones). */
export const LOGIN_APPS = ['tv', 'alipaymini', 'wechatmini', 'qandroid', 'android', 'ios', 'web'] as const satisfies readonly App115[];

/** What `ferry login` says about the slot it takes over. */
export function slotNotice(app: App115): string {
  return `115 keeps one session per app: logging in as '${app}' (slot ${SSOENT_BY_APP[app]}) logs out whatever else is logged in as '${app}'.`;
}

async function getJson<S extends z.ZodType>(url: string, schema: S, ua: string, form?: URLSearchParams): Promise<z.infer<S>> {
  let text: string;
  try {
    const res = await request(url, {
      method: form ? 'POST' : 'GET',
      headers: { 'user-agent': ua, accept: '*/*', ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: form.toString() } : {}),
    });
    text = await res.body.text();
    if (res.statusCode >= 500) throw new TransientError(`115 login: HTTP ${res.statusCode}`);
  } catch (err) {
    if (err instanceof TransientError) throw err;
    throw new TransientError(`115 login: cannot reach ${new URL(url).host} (${(err as Error).message})`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TransientError(`115 login: ${new URL(url).pathname} did not answer JSON`);
  }
  const failure = failureOf(envelope115.parse(json));
  if (failure) throw new BadInput(`115 login refused: ${failure.text || `code ${failure.code}`}`);
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new TransientError(`115 login: unexpected reply from ${new URL(url).pathname}`);
  return parsed.data;
}

function base(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Throws BadInput with 115's own reason for the desktop apps 115 withdrew (linux, mac, windows). */
export function refuseWithdrawnApp(app: string): void {
  if ((WITHDRAWN_APPS as readonly string[]).includes(app)) {
    throw new BadInput(`115 refuses '${app}' logins: ${WITHDRAWN_APP_MESSAGE} (use ${LOGIN_APPS.join(', ')})`);
  }
}

/**
 * Step 1: a QR token, to log in as `app` later. The token is always asked for as `web`, as
 * 115driver and p115client do; the app is named only in step 3, which takes its session slot.
 */
export async function startQrLogin(ep: QrLoginEndpoints, app: App115): Promise<QrTicket> {
  refuseWithdrawnApp(app);
  const reply = await getJson(`${base(ep.qrcodeapi_url)}/api/1.0/web/1.0/token/`, qrToken115, ep.user_agent);
  const { uid, time, sign, qrcode } = reply.data;
  return { app, uid, time, sign, content: qrcode || `https://115.com/scan/dg-${uid}` };
}

/** Step 2: 0 waiting, 1 scanned, 2 confirmed, -1 expired, -2 canceled. */
export async function pollQrStatus(ep: QrLoginEndpoints, ticket: QrTicket): Promise<number> {
  const q = new URLSearchParams({ uid: ticket.uid, time: String(ticket.time), sign: ticket.sign, _: String(Date.now()) });
  const reply = await getJson(`${base(ep.qrcodeapi_url)}/get/status/?${q}`, qrStatus115, ep.user_agent);
  return reply.data.status;
}

/** Step 3, after status 2: the session cookie (given once per QR code). */
export async function finishQrLogin(ep: QrLoginEndpoints, ticket: QrTicket): Promise<QrLoginResult> {
  refuseWithdrawnApp(ticket.app);
  const form = new URLSearchParams({ account: ticket.uid, app: ticket.app });
  const reply = await getJson(`${base(ep.passportapi_url)}/app/1.0/${ticket.app}/1.0/login/qrcode`, qrLogin115, ep.user_agent, form);
  return { cookie: formatCookie115(reply.data.cookie), userId: reply.data.user_id, userName: reply.data.user_name ?? '' };
}

/** Polls until the phone confirms, reporting each status change; expired or canceled codes end in AuthError. */
export async function waitForQrLogin(
  ep: QrLoginEndpoints,
  ticket: QrTicket,
  onStatus: (status: number) => unknown = () => {},
  pollMs = 1000,
): Promise<QrLoginResult> {
  let last: number | undefined;
  for (;;) {
    const status = await pollQrStatus(ep, ticket);
    if (status !== last) await onStatus(status);
    last = status;
    if (status === QR_STATUS.confirmed) return finishQrLogin(ep, ticket);
    if (status === QR_STATUS.expired) throw new AuthError('115 QR code expired: run `ferry login p115` again');
    if (status === QR_STATUS.canceled) throw new AuthError('115 QR login canceled on the phone');
    await sleep(pollMs);
  }
}
