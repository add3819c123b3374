import { createHash, randomBytes } from 'node:crypto';
import { type App115, SSOENT_BY_APP, formatCookie115, formatUid, parseCookie115, parseUid } from '@ferry/protocols';

export interface Session {
  userId: string;
  app: App115;
  uid: string;
  cid: string;
  seid: string;
  kid: string;
  /** Set when a newer login in the same app slot kicked this one out. */
  kicked: boolean;
}

export type SessionLookup = { ok: true; session: Session } | { ok: false; reason: 'missing' | 'kicked' };

/**
 * Cookie sessions. One live session per (user, app slot): a new login in the same slot kicks the
 * older one out, which then answers 990001 (web notes §1.1, 8.2).
 */
export class Sessions {
  private readonly bySeid = new Map<string, Session>();
  private readonly liveBySlot = new Map<string, Session>();

  login(userId: string, app: App115): Session {
    const slot = `${userId}/${app}`;
    const old = this.liveBySlot.get(slot);
    if (old) old.kicked = true;
    const session: Session = {
      userId,
      app,
      uid: formatUid({ userId, ssoent: SSOENT_BY_APP[app], time: Math.floor(Date.now() / 1000) }),
      cid: randomBytes(16).toString('hex'),
      seid: randomBytes(48).toString('hex'),
      kid: randomBytes(16).toString('hex'),
      kicked: false,
    };
    this.bySeid.set(session.seid, session);
    this.liveBySlot.set(slot, session);
    return session;
  }

  /** The app slot whose session a login with `app` would replace, if one is live. */
  liveIn(userId: string, app: App115): Session | undefined {
    return this.liveBySlot.get(`${userId}/${app}`);
  }

  /** UID, CID and SEID must all match an issued session; UID must have the `<uid>_<ssoent>_<ts>` form. */
  lookup(cookieHeader: string | undefined): SessionLookup {
    const cookie = cookieHeader ? parseCookie115(cookieHeader) : undefined;
    if (!cookie || !parseUid(cookie.UID)) return { ok: false, reason: 'missing' };
    const session = this.bySeid.get(cookie.SEID);
    if (!session || session.uid !== cookie.UID || session.cid !== cookie.CID) return { ok: false, reason: 'missing' };
    if (session.kicked) return { ok: false, reason: 'kicked' };
    return { ok: true, session };
  }
}

export function cookieOf(session: Session): string {
  return formatCookie115({ UID: session.uid, CID: session.cid, SEID: session.seid, KID: session.kid });
}

/** A stable key for per-cookie accounting (risk control) that is not the secret itself. */
export function cookieKey(cookieHeader: string | undefined): string {
  return createHash('sha1').update(cookieHeader ?? '').digest('hex');
}
