import { createHash, randomBytes } from 'node:crypto';
export interface QrToken {
  uid: string;
  time: number;
  sign: string;
  /** 0 waiting, 1 scanned, 2 confirmed, -1 expired, -2 canceled. */
  status: number;
  /** The user whose phone scanned the code, then confirmed it. */
  userId?: string;
  used: boolean;
  expiresAt: number;
}

/**
 * QR login tokens and their state machine. The phone's part (scan, confirm, cancel) is played by
 * the phone routes (qr-phone.ts), the JavaScript API or the automatic phone (QrAutoPhone).
 */
export class QrTokens {
  private readonly tokens = new Map<string, QrToken>();
  /** Called with every new token: the automatic phone listens here. */
  onIssue: ((token: QrToken) => void) | undefined;

  constructor(private readonly lifetimeMs: number) {}

  issue(): QrToken {
    const uid = randomBytes(20).toString('hex');
    const time = Math.floor(Date.now() / 1000);
    const sign = createHash('sha1').update(`${uid}:${time}:${randomBytes(8).toString('hex')}`).digest('hex');
    const token: QrToken = { uid, time, sign, status: 0, used: false, expiresAt: Date.now() + this.lifetimeMs };
    this.tokens.set(uid, token);
    this.onIssue?.(token);
    return token;
  }

  /** The token with its expiry applied; a confirmed or finished token does not expire under the user. */
  get(uid: string): QrToken | undefined {
    const token = this.tokens.get(uid);
    if (token && token.status >= 0 && token.status < 2 && Date.now() > token.expiresAt) token.status = -1;
    return token;
  }

  require(uid: string): QrToken {
    const token = this.get(uid);
    if (!token) throw new Error(`no QR token ${uid}`);
    return token;
  }

  /** The phone of `userId` scanned the code: waiting becomes scanned; a later scan changes nothing. */
  scan(uid: string, userId?: string): QrToken {
    const token = this.require(uid);
    if (token.status === 0) {
      token.status = 1;
      if (userId) token.userId = userId;
    }
    return token;
  }

  /** The phone confirmed: only a scanned code, and only by the user who scanned it (when known). */
  confirm(uid: string, userId: string): QrToken {
    const token = this.require(uid);
    if (token.status !== 1) throw new QrStateError(`QR ${uid} is not scanned (status ${token.status})`);
    if (token.userId && token.userId !== userId) throw new QrStateError(`QR ${uid} was scanned by another user`);
    token.status = 2;
    token.userId = userId;
    return token;
  }

  /** The phone said no: a waiting or scanned code ends canceled. */
  cancel(uid: string): QrToken {
    const token = this.require(uid);
    if (token.status !== 0 && token.status !== 1) throw new QrStateError(`QR ${uid} can no longer be canceled (status ${token.status})`);
    token.status = -2;
    return token;
  }
}

/** A phone step that the code's state does not allow (confirm before scan, cancel after login). */
export class QrStateError extends Error {}
