import { ERR, WITHDRAWN_APPS, WITHDRAWN_APP_MESSAGE, isApp115 } from '@ferry/protocols';
import type { AuthedCall, Call } from './context.js';
import { readForm, sendJson } from './http-io.js';

function passportError(code: number, message: string): Record<string, unknown> {
  return { state: 0, code, errno: code, message, error: message, data: [] };
}

/**
 * `GET /qrcodeapi/api/1.0/web/1.0/token/` (with or without the trailing slash). The public clients
 * (115driver, p115client) always ask for the token as `web` and name the app only when logging in;
 * the emulator serves that route alone and answers any other app with an error (its code a choice).
 */
export function qrToken({ res, ctx, path }: Call): void {
  if (path.split('/')[3] !== 'web') return sendJson(res, passportError(ERR.badParams, '参数错误'));
  const token = ctx.qr.issue();
  sendJson(res, {
    state: 1,
    code: 0,
    message: '',
    data: { uid: token.uid, time: token.time, sign: token.sign, qrcode: `https://115.com/scan/dg-${token.uid}` },
  });
}

/**
 * `GET /qrcodeapi/get/status/?uid&time&sign`. Choices where the notes are open: `time` and
 * `sign` must match the token (else 40100000), and the answer is immediate, not a long poll.
 */
export function qrStatus({ res, ctx, url }: Call): void {
  const q = url.searchParams;
  const token = ctx.qr.get(q.get('uid') ?? '');
  if (!token || String(token.time) !== q.get('time') || token.sign !== q.get('sign')) {
    return sendJson(res, passportError(40100000, '参数错误'));
  }
  const msg = { 0: '', 1: '已扫码', 2: '已确认', [-1]: '二维码已过期', [-2]: '已取消' }[token.status] ?? '';
  sendJson(res, { state: 1, code: 0, message: '', data: { status: token.status, msg, version: '' } });
}

/**
 * `POST /passportapi/app/1.0/{app}/1.0/login/qrcode` (also on qrcodeapi): only after status 2,
 * only once per uid. Withdrawn desktop apps get 115's "系统已下架" answer (state 0, errno 0);
 * the check sits at this step, where the app slot is chosen.
 */
export async function qrLogin({ req, res, ctx, path }: Call): Promise<void> {
  const form = await readForm(req);
  const app = form.get('app') ?? path.split('/')[3] ?? 'web';
  if (!isApp115(app)) return sendJson(res, passportError(ERR.badParams, '参数错误'));
  if (WITHDRAWN_APPS.includes(app)) {
    return sendJson(res, { state: 0, error: WITHDRAWN_APP_MESSAGE, errno: 0, message: WITHDRAWN_APP_MESSAGE, code: 0 });
  }
  const token = ctx.qr.get(form.get('account') ?? '');
  if (!token || token.status === -1 || token.used) return sendJson(res, passportError(ERR.qrExpired, '二维码已失效'));
  if (token.status !== 2 || !token.userId) return sendJson(res, passportError(40101017, '用户验证失败'));
  token.used = true;
  const tree = ctx.users.get(token.userId)!;
  const session = ctx.sessions.login(token.userId, app);
  sendJson(res, {
    state: 1,
    code: 0,
    message: '',
    data: {
      cookie: { UID: session.uid, CID: session.cid, SEID: session.seid, KID: session.kid },
      user_id: Number(token.userId),
      user_name: tree.name,
      email: '',
      mobile: '',
      country: '',
      is_vip: 1,
      mark: 0,
      alert: '',
      is_first_login: 0,
      is_trusted: 1,
      face: { face_l: '', face_m: '', face_s: '' },
      expire: 0,
      link: '',
    },
  });
}

/** `GET /my/?ct=guide&ac=status`: never disturbs other sessions. */
export function loginStatus({ res, ctx, req }: Call): void {
  sendJson(res, { state: ctx.sessions.lookup(req.headers.cookie).ok });
}

/** `GET /my/?ct=ajax&ac=nav`: user info. */
export function userNav({ res, session, tree }: AuthedCall): void {
  sendJson(res, { state: true, data: { user_id: Number(session.userId), user_name: tree.name, face: '', vip: 1, expire: 0 } });
}
