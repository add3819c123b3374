import { randomBytes, randomInt } from 'node:crypto';
import { createHash } from 'node:crypto';
import { type KEcCipher, decodeKEcToken, kEcDecryptRequest, kEcEncryptResponse, kEcServerCipher, uploadSig, uploadToken } from '@ferry/protocols';
import { type AuthedCall, type Call, apiError } from './context.js';
import { readBody, readForm, sendJson } from './http-io.js';
import { type Content, readContent } from './store.js';
import { folderUnder, parseTarget } from './upload-land.js';
import { BUCKET, CHALLENGE_MIN_BYTES, OSS_ENDPOINT_HOST, type PendingUpload } from './upload-state.js';

/**
 * The uplb/proapi upload routes (web notes §4.1, 4.3, 4.5):
 *
 *   GET  /webapi/files/uploadinfo, GET|POST /proapi/app/uploadinfo   login; user_id + userkey
 *   GET  /proapi/android/2.0/user/upload_key                        login; {data:{userkey}}
 *   POST /uplb/4.0/initupload.php?k_ec=<token>                      login; k_ec-encrypted form and reply
 *   GET  /uplb/3.0/gettoken.php                                     no login (p115client sends none); STS
 *   GET  /uplb/3.0/getuploadinfo.php                                no login; {endpoint, gettokenurl}
 *   POST /uplb/3.0/resumeupload.php                                 login; plain form, plain JSON
 */

export function uploadInfo({ ctx, res, tree }: AuthedCall): void {
  sendJson(res, {
    state: true,
    error: '',
    errno: 0,
    user_id: Number(tree.userId),
    userkey: ctx.upload.userKey(tree.userId),
    app_id: 0,
    app_version: 0,
    isp_type: 0,
    max_dir_level: 25,
    max_dir_level_yun: 64,
    max_file_num: 50_000,
    max_file_num_yun: 500_000,
    size_limit: ctx.upload.sizeLimit,
    size_limit_yun: ctx.upload.sizeLimit,
    type_limit: [],
    upload_allowed: true,
    upload_allowed_msg: '',
  });
}

export function uploadKey({ ctx, res, tree }: AuthedCall): void {
  sendJson(res, { state: true, error: '', errno: 0, data: { userkey: ctx.upload.userKey(tree.userId) } });
}

export function getToken({ ctx, res }: Call): void {
  const cred = ctx.upload.issueSts();
  sendJson(res, {
    StatusCode: '200',
    AccessKeyId: cred.accessKeyId,
    AccessKeySecret: cred.accessKeySecret,
    SecurityToken: cred.securityToken,
    Expiration: new Date(cred.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
}

/**
 * `endpoint` as 115 answers it, `http://oss-cn-shenzhen.aliyuncs.com` (wiserain's comment on its
 * OSSEndpoint, p115oss's DEFAULT_ENDPOINT); clients address buckets virtual-hosted under that
 * host. The emulator serves those host names by Host header (`ossConnect`, oss.ts).
 */
export function getUploadInfo({ ctx, res }: Call): void {
  sendJson(res, { state: true, endpoint: `http://${OSS_ENDPOINT_HOST}`, gettokenurl: `${ctx.baseUrl}/uplb/3.0/gettoken.php` });
}

/** The init reply envelope; status/statuscode per web notes §4.3. Every answer sets its own `status`. */
function initReply(fields: Record<string, unknown>): Record<string, unknown> {
  return { request: '/4.0/initupload.php', version: '4.0', status: 0, statuscode: 0, statusmsg: '', ...fields };
}

/** The callback strings as issued (web notes §4.5 fixture): templates for OSS, values for the `x:` variables. */
function callbackFor(ctx: Call['ctx'], p: Pick<PendingUpload, 'pickCode' | 'userId' | 'cid'>): { callback: string; callback_var: string } {
  return {
    callback: JSON.stringify({
      callbackUrl: `${ctx.baseUrl}/uplb/3.0/completeupload.php`,
      callbackBody:
        'bucket=${bucket}&object=${object}&size=${size}&sha1=${sha1}&pick_code=${x:pick_code}&user_id=${x:user_id}' +
        '&behavior_type=${x:behavior_type}&source=${x:source}&target=${x:target}&task_uid=${x:task_uid}',
    }),
    callback_var: JSON.stringify({
      'x:pick_code': p.pickCode,
      'x:user_id': p.userId,
      'x:behavior_type': '0',
      'x:source': '100',
      'x:target': `U_1_${p.cid}`,
      'x:task_uid': randomBytes(16).toString('hex'),
    }),
  };
}

async function sha1OfRange(content: Content, start: number, end: number): Promise<string> {
  const body = readContent(content, start, end);
  const hash = createHash('sha1');
  if (Buffer.isBuffer(body)) hash.update(body);
  else for await (const chunk of body) hash.update(chunk as Buffer);
  return hash.digest('hex').toUpperCase();
}

/**
 * `POST /uplb/4.0/initupload.php?k_ec=…`. Until the body decrypts the emulator cannot encrypt a
 * reply, so a bad token or body gets plain JSON 990002 [?]; every later answer is k_ec-encrypted.
 */
export async function initUpload(call: AuthedCall): Promise<void> {
  const { ctx, res, tree, url } = call;
  const raw = await readBody(call.req);
  let cipher: KEcCipher;
  let form: URLSearchParams;
  try {
    const token = decodeKEcToken(url.searchParams.get('k_ec') ?? '');
    cipher = kEcServerCipher(ctx.upload.ecdh.privateKey, token.publicBlob);
    form = new URLSearchParams(kEcDecryptRequest(cipher, raw).toString('utf8'));
  } catch (err) {
    return sendJson(res, apiError(990002, `k_ec: ${(err as Error).message}`));
  }
  const reply = (fields: Record<string, unknown>): void => {
    const body = kEcEncryptResponse(cipher, JSON.stringify(initReply(fields)));
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  };
  // A bad parameter (402) comes back as status 4 (public fixtures: "status":4,"statuscode":402);
  // a request 115 will not take at all (bad sig, token, t, appversion) as `status: false`, which
  // 115driver's UploadInitResp decodes (BoolInt reads false as -1).
  const fail = (statuscode: number, statusmsg: string): void => reply({ status: statuscode === 402 ? 4 : false, statuscode, statusmsg });

  const f = (k: string): string => form.get(k) ?? '';
  const appVersion = f('appversion');
  const userId = f('userid');
  const fileId = f('fileid').toUpperCase();
  const target = f('target');
  const fileSize = /^\d+$/.test(f('filesize')) ? Number(f('filesize')) : NaN;
  const t = f('t');
  // Choice [?]: only "present" is checked for appversion; 115 seems to reject outdated versions.
  if (!appVersion) return fail(400, 'appversion invalid');
  if (!/^[0-9A-F]{40}$/.test(fileId)) return fail(402, 'fileid invalid');
  if (userId !== tree.userId) return fail(402, 'userid invalid');
  if (!Number.isSafeInteger(fileSize) || fileSize > ctx.upload.sizeLimit) return fail(402, 'filesize invalid');
  const baseCid = parseTarget(target);
  if (baseCid === undefined || !tree.isLiveFolder(baseCid)) return fail(402, 'target invalid');
  // sig over `fileid` exactly as sent (case included), as 115driver computes it.
  if (f('sig') !== uploadSig({ userId, userKey: ctx.upload.userKey(userId), fileId: f('fileid'), target })) return fail(400, 'sig invalid');
  if (!/^\d+$/.test(t)) return fail(400, 't invalid');
  const tNum = Number(t);
  if (ctx.upload.tWindowS !== undefined) {
    const nowS = Date.now() / 1000;
    const fresh = Math.abs(tNum - nowS) <= ctx.upload.tWindowS || Math.abs(tNum / 1000 - nowS) <= ctx.upload.tWindowS;
    if (!fresh) return fail(400, 't expired');
  }
  const signKey = f('sign_key');
  const signVal = f('sign_val');
  const token = uploadToken({ fileId: f('fileid'), fileSize, signKey, signVal, userId, t: tNum, appVersion });
  if (f('token') !== token) return fail(400, 'token invalid');

  const cid = f('path') ? folderUnder(tree, baseCid, f('path')) : baseCid;
  const held = ctx.upload.findBlob(fileId, fileSize, ctx.users.values());
  const common = { target, fileid: fileId };
  if (held) {
    if (fileSize >= CHALLENGE_MIN_BYTES) {
      if (!signKey) {
        // Choice [?]: a random range of 1 B .. 128 KiB (fixtures show 3 B to 128 KiB) anywhere in the file.
        const length = randomInt(1, Math.min(fileSize, 128 * 1024) + 1);
        const start = randomInt(0, fileSize - length + 1);
        const end = start + length - 1;
        const key = randomBytes(20).toString('hex');
        ctx.upload.challenges.set(key, { userId, fileId, fileSize, target, start, end, expected: await sha1OfRange(held, start, end) });
        ctx.upload.stats.challenges++;
        return reply({ ...common, status: 7, statuscode: 701, statusmsg: '', sign_key: key, sign_check: `${start}-${end}` });
      }
      const challenge = ctx.upload.challenges.get(signKey);
      // Choice [?]: a challenge is single-use; a wrong answer needs a fresh init.
      ctx.upload.challenges.delete(signKey);
      const matches = challenge && challenge.userId === userId && challenge.fileId === fileId && challenge.fileSize === fileSize && challenge.target === target;
      if (!matches || signVal.toUpperCase() !== challenge.expected) return reply({ ...common, status: 8, statuscode: 702, statusmsg: '签名认证失败' });
    }
    tree.addFile(cid, f('filename') || fileId, held, fileSize, fileId);
    ctx.upload.stats.rapid++;
    // The pick code of a hit is not the landed file's ("this pickcode is not the same as for
    // downloading!", wiserain/rclone backend/115 api/types.go): a client finds the file by listing.
    return reply({ ...common, status: 2, statuscode: 0, statusmsg: '', pickcode: tree.reservePickCode() });
  }

  const pickCode = tree.reservePickCode();
  const pending: PendingUpload = {
    userId,
    cid,
    fileName: f('filename') || fileId,
    fileSize,
    fileId,
    bucket: BUCKET,
    // Choice [?]: a fresh 40-hex key without slashes; real object names are not documented.
    object: randomBytes(20).toString('hex'),
    pickCode,
    ...(() => {
      const cb = callbackFor(ctx, { pickCode, userId, cid });
      return { callback: cb.callback, callbackVar: cb.callback_var };
    })(),
  };
  ctx.upload.pending.set(pickCode, pending);
  ctx.upload.stats.opened++;
  reply({ ...common, ...uploadAnswer(pending) });
}

/** The "upload needed" part of the init (and resume) reply. */
function uploadAnswer(p: PendingUpload): Record<string, unknown> {
  return { status: 1, statuscode: 0, statusmsg: '', pickcode: p.pickCode, bucket: p.bucket, object: p.object, callback: { callback: p.callback, callback_var: p.callbackVar } };
}

/**
 * `POST /uplb/3.0/resumeupload.php` form fileid, filesize, target, pickcode, userid -> the same
 * bucket/object/callback again (web notes §4.5). Plain JSON, shaped like init's reply plus
 * `state` [?] (the real shape is not in the sources read).
 */
export async function resumeUpload({ ctx, req, res, tree }: AuthedCall): Promise<void> {
  const form = await readForm(req);
  const pending = ctx.upload.pending.get(form.get('pickcode') ?? '');
  const ok =
    pending &&
    pending.userId === tree.userId &&
    form.get('userid') === pending.userId &&
    (form.get('fileid') ?? '').toUpperCase() === pending.fileId &&
    form.get('filesize') === String(pending.fileSize) &&
    form.get('target') === `U_1_${pending.cid}`;
  if (!ok) return sendJson(res, { state: false, ...initReply({ request: '/3.0/resumeupload.php', status: 4, statuscode: 402, statusmsg: 'userid/filesize/target/pickcode invalid' }) });
  sendJson(res, { state: true, ...initReply({ request: '/3.0/resumeupload.php', target: `U_1_${pending.cid}`, fileid: pending.fileId, ...uploadAnswer(pending) }) });
}
