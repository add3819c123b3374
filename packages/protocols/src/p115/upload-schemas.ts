import { z } from 'zod';
import { idLike, intLike, name115, stateLike } from './fields.js';
import { looseInt } from './share-schemas.js';

/**
 * Replies of the upload endpoints (web notes §4.1, 4.3, 4.5), loose like the other 115 schemas:
 * numbers as numbers or strings, unknown keys kept.
 */

/** `GET proapi/app/uploadinfo`: the user id and the `userkey` that `sig` needs. */
export const uploadInfo115 = z.looseObject({
  state: stateLike.optional(),
  user_id: idLike,
  userkey: z.string().min(1),
  size_limit: looseInt,
});

/** The `callback` object of an init reply: two JSON strings, sent Base64'd as the OSS callback headers. */
export const initUploadCallback115 = z.looseObject({ callback: z.string(), callback_var: z.string() });

/**
 * `status` values of initupload (web notes §4.3; 6 and 8 from the open-API docs). `refused` stands
 * for `"status": false`, 115's answer to a request it will not take at all (a bad sig or token):
 * 115driver decodes `status` with a type that reads `false` as -1 (BoolInt in UploadInitResp).
 */
export const INIT_UPLOAD_STATUS = { refused: -1, upload: 1, done: 2, failedAfterSign: 6, challenge: 7, signFailed: 8 } as const;

/**
 * `initupload.php`, decrypted. Which fields are set depends on `status` (see INIT_UPLOAD_STATUS);
 * `callback` is only an object when an OSS upload follows, so other shapes are tolerated.
 */
export const initUpload115 = z.looseObject({
  request: z.string().optional(),
  version: z.string().optional(),
  status: z.union([z.literal(false).transform(() => INIT_UPLOAD_STATUS.refused), intLike]),
  statuscode: looseInt,
  statusmsg: z.string().optional(),
  pickcode: z.string().optional(),
  target: z.string().optional(),
  fileid: z.union([z.string(), z.number()]).optional(),
  fileinfo: z.unknown().optional(),
  sign_key: z.string().optional(),
  sign_check: z.string().optional(),
  bucket: z.string().optional(),
  object: z.string().optional(),
  callback: z.union([initUploadCallback115, z.string(), z.array(z.unknown()), z.null()]).optional(),
});
export type InitUpload115 = z.infer<typeof initUpload115>;

/**
 * The clients' rule: `statuscode` 0 (or missing) and 701 (the challenge) are not errors; a
 * refusal (`status: false`) is one whatever its statuscode.
 */
export function initUploadFailed(reply: InitUpload115): boolean {
  if (reply.status === INIT_UPLOAD_STATUS.refused) return true;
  return reply.statuscode !== undefined && reply.statuscode !== 0 && reply.statuscode !== 701;
}

/** `GET uplb/3.0/gettoken.php`: STS credentials; on failure only `StatusCode` is reliable. */
export const getToken115 = z.looseObject({
  StatusCode: z.union([z.string(), z.number()]).transform(String),
  AccessKeyId: z.string().optional(),
  AccessKeySecret: z.string().optional(),
  SecurityToken: z.string().optional(),
  Expiration: z.string().optional(),
});
export type GetToken115 = z.infer<typeof getToken115>;

export interface StsCredentials115 {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  /** Unix ms. */
  expiresAt: number;
}

/** The credentials of a successful gettoken reply, or undefined (StatusCode not "200", a field missing, a bad date). */
export function stsCredentials(reply: GetToken115): StsCredentials115 | undefined {
  const { AccessKeyId, AccessKeySecret, SecurityToken, Expiration } = reply;
  if (reply.StatusCode !== '200' || !AccessKeyId || !AccessKeySecret || !SecurityToken || !Expiration) return undefined;
  const expiresAt = Date.parse(Expiration);
  if (Number.isNaN(expiresAt)) return undefined;
  return { accessKeyId: AccessKeyId, accessKeySecret: AccessKeySecret, securityToken: SecurityToken, expiresAt };
}

/** `GET uplb/3.0/getuploadinfo.php`: the OSS endpoint and the token URL. */
export const getUploadInfo115 = z.looseObject({ endpoint: z.string().min(1), gettokenurl: z.string().optional() });

/** The `callback` string as issued, parsed: where OSS posts and the body template with `${…}` variables. */
export const ossCallbackSpec115 = z.looseObject({
  callbackUrl: z.string(),
  callbackBody: z.string(),
  callbackHost: z.string().optional(),
  callbackBodyType: z.string().optional(),
});

/** The `callback_var` string as issued, parsed: `x:`-prefixed names to string values. */
export const ossCallbackVar115 = z.record(z.string(), z.string());

/** The HTTP 200 body of a successful OSS upload: 115's callback JSON, not OSS XML (web notes §4.5). */
export const ossCallbackResult115 = z.looseObject({
  state: z.literal(true),
  message: z.string().optional(),
  data: z.looseObject({
    pick_code: z.string(),
    file_size: intLike,
    file_id: idLike,
    thumb_url: z.string().optional(),
    sha1: z.string(),
    aid: looseInt,
    file_name: name115,
    cid: idLike,
    is_video: looseInt,
  }),
});
