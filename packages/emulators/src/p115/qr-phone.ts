import { ERR } from '@ferry/protocols';
import type { AuthedCall } from './context.js';
import { sendJson } from './http-io.js';
import { type QrToken, type QrTokens, QrStateError } from './qrcode.js';
import { AutoPhone } from '../auto-phone.js';

/**
 * The phone's side of a QR login: the 115 app, logged in as the user, scans the code (prompt.php),
 * then confirms (slogin.php) or cancels (cancel.php). p115client's login_qrcode_scan,
 * login_qrcode_scan_confirm and login_qrcode_scan_cancel call these with the phone's cookie, which
 * names the user; `key` and `uid` are both the QR code's uid.
 */

function phoneError(code: number, message: string): Record<string, unknown> {
  return { state: 0, code, errno: code, message, error: message, data: [] };
}

function phoneOk(data: Record<string, unknown> = {}): Record<string, unknown> {
  return { state: 1, code: 0, errno: 0, message: '', error: '', data };
}

/** The live token a phone route names by `uid` (or `key`), else the answer already sent. */
function tokenOf(call: AuthedCall): QrToken | undefined {
  const q = call.url.searchParams;
  const token = call.ctx.qr.get(q.get('uid') ?? q.get('key') ?? '');
  if (!token || token.status === -1 || token.used) {
    sendJson(call.res, phoneError(ERR.qrExpired, '二维码已失效'));
    return undefined;
  }
  return token;
}

function step(call: AuthedCall, act: (token: QrToken) => void, data: (token: QrToken) => Record<string, unknown> = () => ({})): void {
  const token = tokenOf(call);
  if (!token) return;
  try {
    act(token);
  } catch (err) {
    if (!(err instanceof QrStateError)) throw err;
    return sendJson(call.res, phoneError(ERR.badParams, '二维码状态不允许此操作'));
  }
  sendJson(call.res, phoneOk(data(token)));
}

/** `GET /qrcodeapi/api/2.0/prompt.php?uid`: the phone scanned; the answer names the confirm call. */
export function qrPhoneScan(call: AuthedCall): void {
  step(
    call,
    (token) => call.ctx.qr.scan(token.uid, call.session.userId),
    (token) => ({ do_url: `${call.ctx.baseUrl}/qrcodeapi/api/2.0/slogin.php`, do_params: { key: token.uid, uid: token.uid, client: 0 } }),
  );
}

/** `GET /qrcodeapi/api/2.0/slogin.php?key&uid&client=0`: the phone confirmed the login. */
export function qrPhoneConfirm(call: AuthedCall): void {
  step(call, (token) => call.ctx.qr.confirm(token.uid, call.session.userId));
}

/** `GET /qrcodeapi/api/2.0/cancel.php?key&uid&client=0`: the phone refused the login. */
export function qrPhoneCancel(call: AuthedCall): void {
  step(call, (token) => call.ctx.qr.cancel(token.uid));
}

/** `userId` playing the phone for every new QR code (auto-phone.ts). */
export class QrAutoPhone {
  private readonly phone: AutoPhone;

  constructor(
    private readonly qr: QrTokens,
    userId: string,
    afterMs: number,
  ) {
    this.phone = new AutoPhone(afterMs, (err) => err instanceof QrStateError);
    qr.onIssue = (token) => this.phone.play(() => qr.scan(token.uid, userId), () => qr.confirm(token.uid, userId));
  }

  stop(): void {
    this.phone.stop();
    this.qr.onIssue = undefined;
  }
}
