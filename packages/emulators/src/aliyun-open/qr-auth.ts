import { randomBytes } from 'node:crypto';
import { ALIYUN_QR_STATUS, aliyunCodeChallenge } from '@ferry/protocols';
import { ApiError } from './api-error.js';
import { AutoPhone } from '../auto-phone.js';

/** Authorization codes are valid 10 minutes and once (SDK comment on /oauth/access_token). */
const CODE_TTL_MS = 10 * 60 * 1000;

interface Challenge {
  value: string;
  method: 'S256' | 'plain';
}

interface QrSession {
  sid: string;
  clientId: string;
  challenge: Challenge | undefined;
  expiresAt: number;
  status: 'WaitLogin' | 'ScanSuccess' | 'LoginSuccess';
  authCode?: string;
}

interface AuthCode {
  userId: string;
  clientId: string;
  challenge: Challenge | undefined;
  expiresAt: number;
  used: boolean;
}

/** A phone step that the code's state does not allow (expired, already confirmed). */
export class QrStateError extends Error {}

function withoutPadding(challenge: string): string {
  return challenge.replace(/=+$/, '');
}

/**
 * QR authorizations: each QR code request opens a session the phone scans and confirms (on
 * Aliyun's own authorization page, which no public client calls), after which the status call
 * answers an authorization code. A session not confirmed within its lifetime reads QRCodeExpired.
 */
export class QrAuthorizations {
  private readonly sessions = new Map<string, QrSession>();
  private readonly codes = new Map<string, AuthCode>();
  /** Called with each new sid: the automatic phone plays it. */
  onIssue: ((sid: string) => void) | undefined;

  constructor(
    private readonly now: () => number,
    public ttlSec: number,
  ) {}

  issue(clientId: string, challenge: Challenge | undefined): string {
    const sid = randomBytes(21).toString('hex');
    this.sessions.set(sid, { sid, clientId, challenge, expiresAt: this.now() + this.ttlSec * 1000, status: ALIYUN_QR_STATUS.waiting });
    this.onIssue?.(sid);
    return sid;
  }

  /** The status call's answer; an unknown sid reads as expired. */
  status(sid: string): { status: string; authCode?: string } {
    const session = this.live(sid);
    if (!session) return { status: ALIYUN_QR_STATUS.expired };
    return session.authCode ? { status: session.status, authCode: session.authCode } : { status: session.status };
  }

  scan(sid: string): void {
    const session = this.live(sid);
    if (session?.status !== ALIYUN_QR_STATUS.waiting) throw new QrStateError(`QR authorization ${sid} cannot be scanned now`);
    session.status = ALIYUN_QR_STATUS.scanned;
  }

  confirm(sid: string, userId: string): void {
    const session = this.live(sid);
    if (!session || session.status === ALIYUN_QR_STATUS.confirmed) throw new QrStateError(`QR authorization ${sid} cannot be confirmed now`);
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, { userId, clientId: session.clientId, challenge: session.challenge, expiresAt: this.now() + CODE_TTL_MS, used: false });
    session.status = ALIYUN_QR_STATUS.confirmed;
    session.authCode = code;
  }

  /** Every unconfirmed QR code expires now. */
  expireAll(): void {
    for (const session of this.sessions.values()) if (session.status !== ALIYUN_QR_STATUS.confirmed) session.expiresAt = Math.min(session.expiresAt, this.now());
  }

  /**
   * Spends an authorization code for `clientId`. A code issued with a PKCE challenge needs the
   * matching verifier unless the app authenticated with its secret.
   */
  redeem(code: string, clientId: string, verifier: string | undefined, secretChecked: boolean): string {
    const held = this.codes.get(code);
    if (!held || held.used || held.expiresAt <= this.now() || held.clientId !== clientId) {
      throw new ApiError(400, 'InvalidCode', 'The authorization code is invalid or has expired.');
    }
    if (!secretChecked) {
      const challenge = held.challenge;
      if (!challenge || verifier === undefined || withoutPadding(aliyunCodeChallenge(verifier, challenge.method)) !== withoutPadding(challenge.value)) {
        throw new ApiError(400, 'InvalidCode', 'The authorization code does not match the code_verifier.');
      }
    }
    held.used = true;
    return held.userId;
  }

  private live(sid: string): QrSession | undefined {
    const session = this.sessions.get(sid);
    if (!session) return undefined;
    if (session.status !== ALIYUN_QR_STATUS.confirmed && session.expiresAt <= this.now()) return undefined;
    return session;
  }
}

/** The emulator's user playing the phone for every new QR code (auto-phone.ts). */
export class QrAutoPhone {
  private readonly phone: AutoPhone;

  constructor(
    private readonly qr: QrAuthorizations,
    userId: string,
    afterMs: number,
  ) {
    this.phone = new AutoPhone(afterMs, (err) => err instanceof QrStateError);
    qr.onIssue = (sid) => this.phone.play(() => qr.scan(sid), () => qr.confirm(sid, userId));
  }

  stop(): void {
    this.phone.stop();
    this.qr.onIssue = undefined;
  }
}
