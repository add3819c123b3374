import { createHash, randomBytes } from 'node:crypto';
import type { App115 } from '@ferry/protocols';

export interface QrToken {
  uid: string;
  time: number;
  sign: string;
  app: App115;
  /** 0 waiting, 1 scanned, 2 confirmed, -1 expired, -2 canceled. */
  status: number;
  /** The user who confirmed on the phone. */
  userId?: string;
  used: boolean;
  expiresAt: number;
}

/** QR login tokens and their state machine; the phone's part is played by the admin API. */
export class QrTokens {
  private readonly tokens = new Map<string, QrToken>();

  constructor(private readonly lifetimeMs: number) {}

  issue(app: App115): QrToken {
    const uid = randomBytes(20).toString('hex');
    const time = Math.floor(Date.now() / 1000);
    const sign = createHash('sha1').update(`${uid}:${time}:${randomBytes(8).toString('hex')}`).digest('hex');
    const token: QrToken = { uid, time, sign, app, status: 0, used: false, expiresAt: Date.now() + this.lifetimeMs };
    this.tokens.set(uid, token);
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
}
