import { createHash } from 'node:crypto';

/**
 * `sig`, `token` and the plain form of `POST uplb.115.com/4.0/initupload.php` (web notes §4.3).
 * Formulas as 115driver, elevengo and p115cipher compute them; the form is encrypted with k_ec
 * (k-ec.ts) before it is sent.
 */
const P115_UPLOAD_TOKEN_SALT = 'Qclm8MGWUv59TnrR0XPg';

function sha1Hex(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** The upload target of a folder: `U_<aid>_<cid>` with aid 1 (the drive itself). */
export function uploadTarget(cid: string): string {
  return `U_1_${cid}`;
}

export interface UploadSigInput {
  userId: string;
  userKey: string;
  /** Upper-case SHA-1 of the file, exactly as sent in `fileid`. */
  fileId: string;
  target: string;
}

/** sig = upper-hex SHA-1(userkey + lower-hex SHA-1(userid + fileid + target + "0") + "000000"). */
export function uploadSig(input: UploadSigInput): string {
  const inner = sha1Hex(`${input.userId}${input.fileId}${input.target}0`);
  return sha1Hex(`${input.userKey}${inner}000000`).toUpperCase();
}

export interface UploadTokenInput {
  fileId: string;
  fileSize: number;
  /** Empty on the first call; the challenge's values on the answer. */
  signKey: string;
  signVal: string;
  userId: string;
  /** The same `t` as sent in the form (seconds or milliseconds, the clients differ). */
  t: number;
  appVersion: string;
}

/** token = lower-hex MD5(salt + fileid + filesize + sign_key + sign_val + userid + t + lower-hex MD5(userid) + appversion). */
export function uploadToken(input: UploadTokenInput): string {
  return md5Hex(
    P115_UPLOAD_TOKEN_SALT +
      input.fileId +
      String(input.fileSize) +
      input.signKey +
      input.signVal +
      input.userId +
      String(input.t) +
      md5Hex(input.userId) +
      input.appVersion,
  );
}

export interface InitUploadInput {
  appVersion: string;
  userId: string;
  userKey: string;
  fileName: string;
  fileSize: number;
  fileId: string;
  /** Folder id; the form carries it as `U_1_<cid>`. */
  cid: string;
  t: number;
  /** The challenge answer (status 7); omitted on the first call. */
  signKey?: string;
  signVal?: string;
  /** Optional folder path under the target, created by the server (p115client's `path`). */
  path?: string;
}

/**
 * The init form's fields, sorted by name with empty values dropped, as p115client encodes them.
 * `appid` is "0" as the Go clients send it (p115client's integer 0 is dropped as falsy);
 * `userkey` is not sent, as in the Go clients: it only feeds `sig`.
 */
export function initUploadFields(input: InitUploadInput): Array<[string, string]> {
  const target = uploadTarget(input.cid);
  const signKey = input.signKey ?? '';
  const signVal = input.signVal ?? '';
  const fields: Record<string, string> = {
    appid: '0',
    appversion: input.appVersion,
    userid: input.userId,
    filename: input.fileName,
    filesize: String(input.fileSize),
    fileid: input.fileId,
    target,
    sig: uploadSig({ userId: input.userId, userKey: input.userKey, fileId: input.fileId, target }),
    t: String(input.t),
    token: uploadToken({ fileId: input.fileId, fileSize: input.fileSize, signKey, signVal, userId: input.userId, t: input.t, appVersion: input.appVersion }),
    topupload: 'true',
    sign_key: signKey,
    sign_val: signVal,
    path: input.path ?? '',
  };
  return Object.entries(fields)
    .filter(([, v]) => v !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The url-encoded plain form, ready for kEcEncryptRequest. */
export function encodeInitUploadForm(input: InitUploadInput): string {
  return new URLSearchParams(initUploadFields(input)).toString();
}
