/**
 * 115's login cookies: `UID=<user_id>_<ssoent>_<unix time>; CID=…; SEID=…; KID=…`.
 * 115driver rejects a cookie string with a part that is not `k=v` (a trailing `;` broke AList);
 * we tolerate empty parts but nothing else.
 */
export interface Cookie115 {
  UID: string;
  CID: string;
  SEID: string;
  KID?: string;
}

export interface Uid115 {
  userId: string;
  ssoent: string;
  time: number;
}

const UID_RE = /^(\d+)_([A-Z]\d)_(\d+)$/;

export function parseUid(uid: string): Uid115 | undefined {
  const m = UID_RE.exec(uid);
  if (!m) return undefined;
  return { userId: m[1]!, ssoent: m[2]!, time: Number(m[3]) };
}

export function formatUid(uid: Uid115): string {
  return `${uid.userId}_${uid.ssoent}_${uid.time}`;
}

/** Parses a Cookie header or a pasted cookie string; undefined when a part is malformed or UID/CID/SEID is missing. */
export function parseCookie115(text: string): Cookie115 | undefined {
  const pairs = new Map<string, string>();
  for (const raw of text.split(';')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    pairs.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const UID = pairs.get('UID');
  const CID = pairs.get('CID');
  const SEID = pairs.get('SEID');
  if (!UID || !CID || !SEID) return undefined;
  const KID = pairs.get('KID');
  return KID ? { UID, CID, SEID, KID } : { UID, CID, SEID };
}

export function formatCookie115(cookie: Cookie115): string {
  const parts = [`UID=${cookie.UID}`, `CID=${cookie.CID}`, `SEID=${cookie.SEID}`];
  if (cookie.KID) parts.push(`KID=${cookie.KID}`);
  return parts.join('; ');
}
