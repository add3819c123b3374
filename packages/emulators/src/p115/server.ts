import { generateKeyPairSync } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type App115, ERR, type RsaPrivateKey } from '@ferry/protocols';
import { Cdn, type CookieBoundRoutes } from './cdn.js';
import { type AuthedCall, type Call, type P115EmulatorContext, type MaybeAuthedCall, apiError } from './context.js';
import { androidDownload, chromeDownurl } from './download-routes.js';
import { batchRename, categoryGet, copy, getId, getInfo, listFiles, mkdir, move, recycle } from './files-routes.js';
import { sendJson, sendText } from './http-io.js';
import { loginStatus, qrLogin, qrStatus, qrToken, userNav } from './login-routes.js';
import { addTasks, deleteTasks, listTasks } from './offline-routes.js';
import { QrTokens } from './qrcode.js';
import { QrAutoPhone, qrPhoneCancel, qrPhoneConfirm, qrPhoneScan } from './qr-phone.js';
import { type Fault, Faults, RiskControl, type RiskControlOptions, WAF_405_PAGE } from './risk.js';
import { Sessions, cookieKey, cookieOf } from './sessions.js';
import { shareReceive, shareSend } from './share-receive.js';
import { shareDownurl, shareDownurlApp } from './share-downurl.js';
import { shareSnap } from './share-routes.js';
import { indexInfo } from './space-routes.js';
import { type ShareOptions, type ShareState, ShareStore } from './shares.js';
import { type Node, UserTree } from './store.js';
import { OssStore, ossHostOf } from './oss.js';
import { getToken, getUploadInfo, initUpload, resumeUpload, uploadInfo, uploadKey } from './upload-routes.js';
import { type UploadOptions, UploadState } from './upload-state.js';

/**
 * Layout: every 115 host lives behind ONE port, under a path prefix named after the host:
 *
 *   webapi.115.com       -> http://127.0.0.1:PORT/webapi       (files, getid, get_info, category/get, file ops, shares)
 *   proapi.115.com       -> http://127.0.0.1:PORT/proapi       (m115 download routes)
 *   passportapi.115.com  -> http://127.0.0.1:PORT/passportapi  (QR login step 3)
 *   qrcodeapi.115.com    -> http://127.0.0.1:PORT/qrcodeapi    (QR token, status, login)
 *   lixian.115.com       -> http://127.0.0.1:PORT/lixian       (offline download)
 *   my.115.com           -> http://127.0.0.1:PORT/my           (login status, user info)
 *   uplb.115.com         -> http://127.0.0.1:PORT/uplb         (upload init/token/resume, upload-routes.ts)
 *   download CDN         -> http://127.0.0.1:PORT/cdn          (signed, expiring, UA-bound URLs)
 *   Aliyun OSS (uploads) -> http://127.0.0.1:PORT, by Host header (`ossConnect`, oss.ts):
 *                           fhnfile.oss-cn-shenzhen.aliyuncs.com/<object>, virtual-hosted as real OSS;
 *                           the bare oss-cn-shenzhen.aliyuncs.com (path-style) answers 403
 *
 * QR login, the phone's side (login-routes.ts has the client's side; qr-phone.ts). 115's app calls these
 * with its own cookie, which names the user who logs in; `uid` (or `key`) is the QR code's uid, the
 * part after `dg-` in the code's content. Answers `{state:1, data}`, or state 0 with 40199002 for an
 * unknown, expired or used code and 990002 for a step out of order:
 *
 *   GET  /qrcodeapi/api/2.0/prompt.php?uid=UID                 login; scan (status 0 -> 1), as the cookie's user
 *   GET  /qrcodeapi/api/2.0/slogin.php?key=UID&uid=UID&client=0 login; confirm a scanned code (1 -> 2), same user
 *   GET  /qrcodeapi/api/2.0/cancel.php?key=UID&uid=UID&client=0 login; cancel a waiting or scanned code (-> -2)
 *
 * With `qrAutoConfirm` (`ferry emulate p115 --qr-auto-confirm`) a phone of that user scans each new
 * code half a second after it is issued and confirms it after one second.
 *
 * A client configured with these base URLs calls `${base}/files` exactly where it would call
 * `https://webapi.115.com/files`. 115cdn.com/webapi, an alias of webapi, is the same /webapi.
 *
 * Share links (share notes; docs/protocol-sources.md; shares.ts, share-*.ts):
 *
 *   GET  /webapi/share/snap     anonymous or logged in (the owner needs no receive_code); list a share
 *                               folder with offset/limit/o/asc; risk control keyed by cookie, else by IP
 *   GET  /webapi/share/downurl  login (else 99); {fid, fn, fs, sha1, url:{url,...}|false}; the URL is
 *                               a /cdn URL bound to the caller's User-Agent, expiring at `t`; files
 *                               over 200 MiB answer 50028 (ShareOptions.downurlMaxBytes)
 *   POST /proapi/app/share/downurl  login; the app variant: m115 form `data` of {share_code,
 *                               receive_code, file_id}, the same `data` m115-encoded, no size cap
 *   POST /webapi/share/receive  login; deep-copies share items (file_id list) into cid (default 最近接收)
 *   POST /webapi/share/send     login; shares items of the caller's drive (file_ids list)
 *
 * Uploads (web notes §4; upload-routes.ts, upload-state.ts, upload-land.ts, oss.ts):
 *
 *   GET  /webapi/files/uploadinfo, GET|POST /proapi/app/uploadinfo  login; {user_id, userkey, size_limit, ...}
 *   GET  /proapi/android/2.0/user/upload_key                       login; {data:{userkey}}
 *   POST /uplb/4.0/initupload.php?k_ec=<token>                     login; k_ec with the emulator's P-224 key (`ecdh_pub`)
 *   GET  /uplb/3.0/gettoken.php, /uplb/3.0/getuploadinfo.php       anonymous; STS credentials, {endpoint: http://oss-cn-shenzhen.aliyuncs.com}
 *   POST /uplb/3.0/resumeupload.php                                login; bucket/object/callback of a pending pick code
 *   *    Host <bucket>.oss-cn-shenzhen.aliyuncs.com, /<object>[?uploads|?partNumber&uploadId|?uploadId]
 *                                                                  OSS V1 auth with the STS credentials
 */
export const HOST_NAMES = ['webapi', 'proapi', 'passportapi', 'qrcodeapi', 'lixian', 'my', 'uplb', 'cdn'] as const;
export type HostName = (typeof HOST_NAMES)[number];

export interface P115EmulatorOptions {
  /** User names; each gets a numeric user id, an empty tree and a `web` session. Default ['alice']. */
  users?: string[];
  /** A folder loaded into the first user's tree (bytes stay on disk). */
  seedDir?: string;
  /** Lifetime of download URLs (`t` = now + this). The real one is not documented; default 1 h. */
  urlLifetimeS?: number;
  /** Which downurl routes bind their URLs to a cookie (f=3); default web routes only (see CookieBoundRoutes). */
  cookieBoundUrls?: Partial<CookieBoundRoutes>;
  /** How long a QR code waits before it expires (status -1). Default 5 min. */
  qrLifetimeMs?: number;
  /** A phone of `user` scans and confirms every new QR code by itself, `afterMs` (default 1000) after it is issued. */
  qrAutoConfirm?: { user: string; afterMs?: number };
  riskControl?: RiskControlOptions;
  /** Offline tasks a user may add in total (the "quota"). Default 100. */
  offlineQuota?: number;
  /** Share-link switches where the notes are open (see ShareOptions). */
  share?: ShareOptions;
  /** Upload switches where the notes are open (see UploadOptions). */
  upload?: UploadOptions;
  port?: number;
}

export interface P115EmulatorUser {
  name: string;
  cookie: string;
  user_id: string;
  root_cid: string;
}

export interface P115Emulator {
  baseUrl: string;
  hosts: Record<HostName, string>;
  users: P115EmulatorUser[];
  /** The emulator's own RSA-1024 key (hex); clients take `rsa_n` in place of 115's modulus. */
  rsa_n: string;
  rsa_e: string;
  /**
   * The emulator's P-224 public key (X‖Y hex, 56 bytes) for k_ec: clients take it in place of 115's
   * server key (createKEcClient(Buffer.from('04' + ecdh_pub, 'hex'))).
   */
  ecdh_pub: string;
  /**
   * `127.0.0.1:PORT`, where every OSS host name of the emulator is served over plain HTTP, told
   * apart by the Host header: getuploadinfo's endpoint is `http://oss-cn-shenzhen.aliyuncs.com`, so
   * clients send `http://fhnfile.oss-cn-shenzhen.aliyuncs.com/<object>` and connect here (curl
   * --connect-to, or a p115 remote's `connect_to`).
   */
  ossConnect: string;
  /**
   * Rapid uploads done (status 2), challenges issued (status 7), uploads opened (status 1: an OSS
   * target named), OSS multipart uploads initiated, body bytes PUT to OSS, OSS uploads landed.
   */
  readonly uploadStats: {
    readonly rapid: number;
    readonly challenges: number;
    readonly opened: number;
    readonly multiparts: number;
    readonly ossBytes: number;
    readonly completed: number;
  };
  /** Revokes every STS credential issued so far: OSS then answers 403 SecurityTokenExpired. */
  expireStsTokens(): void;
  /** The per-user `userkey` (uploadinfo) that `sig` is computed with. */
  userkey(user: string): string;
  /** Gives the user a new `userkey`: a client still signing with the old one gets "sig invalid". */
  renewUserkey(user: string): void;
  /** Bytes the CDN has sent (body bytes only). */
  readonly cdnBytesServed: number;
  /** CDN requests refused (expired, forged or UA-mismatched URL). */
  readonly cdnRefused: number;
  /** Requests refused by risk control so far. */
  readonly blockedRequests: number;
  tree(user: string): UserTree;
  putFile(user: string, path: string, data: Buffer): Node;
  /** A fresh login of `user` in `app`'s slot, as if by QR; returns the cookie string. */
  login(user: string, app: App115): string;
  scanQr(uid: string): void;
  confirmQr(uid: string, user: string): void;
  cancelQr(uid: string): void;
  expireQr(uid: string): void;
  setRiskControl(options: RiskControlOptions | undefined): void;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** Expires every URL issued so far, now or once the CDN has served `afterBytes` more bytes. */
  expireUrls(afterBytes?: number): void;
  setUrlLifetime(seconds: number): void;
  /** Switches cookie-bound URLs (f=3) per kind of downurl route, for URLs issued from now on. */
  setCookieBoundUrls(routes: Partial<CookieBoundRoutes>): void;
  setOfflineTask(user: string, infoHash: string, patch: { status: number; percentDone?: number }): void;
  /**
   * Shares items of `user`'s tree ('/Films/a.mkv', '/Films') as one snapshot. `receiveCode` ''
   * means none; default a random 4-char code. `expireTime` (unix s, a past one makes it expired
   * from the start); default never, unless `setShare` says otherwise.
   */
  createShare(user: string, paths: string[], options?: { receiveCode?: string; title?: string; expireTime?: number }): { share_code: string; receive_code: string };
  setShare(shareCode: string, patch: { state?: ShareState; numbersAsStrings?: boolean }): void;
  /** Successful receive calls so far. */
  readonly shareReceives: number;
  /** Share downurl calls so far (logged in, refusals included), web and app variant apart. */
  readonly shareDownurls: { readonly web: number; readonly app: number };
  close(): Promise<void>;
}

function generateRsa(): RsaPrivateKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent: 0x10001 });
  const jwk = privateKey.export({ format: 'jwk' });
  const big = (b64: string | undefined) => BigInt(`0x${Buffer.from(b64 ?? '', 'base64url').toString('hex')}`);
  return { n: big(jwk.n), e: big(jwk.e), d: big(jwk.d) };
}

type Handler = (call: AuthedCall) => void | Promise<void>;
type PublicHandler = (call: Call) => void | Promise<void>;

/** Routes that need a cookie session, by host and path below the host prefix. */
const AUTHED: Record<string, Handler> = {
  'webapi GET /files': listFiles,
  'webapi GET /files/getid': getId,
  'webapi GET /files/get_info': getInfo,
  'webapi GET /category/get': categoryGet,
  'webapi POST /files/add': mkdir,
  'webapi POST /files/batch_rename': batchRename,
  'webapi POST /files/move': move,
  'webapi POST /files/copy': copy,
  'webapi POST /rb/delete': recycle,
  'webapi GET /files/index_info': indexInfo,
  'proapi POST /app/chrome/downurl': chromeDownurl,
  'proapi POST /android/2.0/ufile/download': androidDownload,
  'lixian POST /lixianssp/': addTasks,
  'webapi GET /share/downurl': shareDownurl,
  'proapi POST /app/share/downurl': shareDownurlApp,
  'webapi POST /share/receive': shareReceive,
  'webapi POST /share/send': shareSend,
  'webapi GET /files/uploadinfo': uploadInfo,
  'proapi GET /app/uploadinfo': uploadInfo,
  'proapi POST /app/uploadinfo': uploadInfo,
  'proapi GET /android/2.0/user/upload_key': uploadKey,
  'uplb POST /4.0/initupload.php': initUpload,
  'uplb POST /3.0/resumeupload.php': resumeUpload,
  'qrcodeapi GET /api/2.0/prompt.php': qrPhoneScan,
  'qrcodeapi GET /api/2.0/slogin.php': qrPhoneConfirm,
  'qrcodeapi GET /api/2.0/cancel.php': qrPhoneCancel,
};

/** Routes open to anonymous callers that behave differently for a logged-in one. */
const MAYBE_AUTHED: Record<string, (call: MaybeAuthedCall) => void | Promise<void>> = {
  'webapi GET /share/snap': shareSnap,
};

function lixianAction(call: Call): Handler | undefined {
  if (call.path !== '/lixian/' || call.url.searchParams.get('ct') !== 'lixian') return undefined;
  const ac = call.url.searchParams.get('ac');
  if (ac === 'task_lists') return listTasks;
  if (ac === 'task_del' && call.req.method === 'POST') return deleteTasks;
  return undefined;
}

function publicRoute(host: string, method: string, path: string): PublicHandler | undefined {
  // p115client fetches STS credentials without cookies (web notes §4.5); getuploadinfo likewise.
  if (host === 'uplb' && method === 'GET' && path === '/3.0/gettoken.php') return getToken;
  if (host === 'uplb' && method === 'GET' && path === '/3.0/getuploadinfo.php') return getUploadInfo;
  if (host === 'qrcodeapi' && method === 'GET' && /^\/api\/1\.0\/[a-z0-9_]+\/1\.0\/token\/?$/.test(path)) return qrToken;
  if (host === 'qrcodeapi' && method === 'GET' && /^\/get\/status\/?$/.test(path)) return qrStatus;
  if ((host === 'passportapi' || host === 'qrcodeapi') && method === 'POST' && /^\/app\/1\.0\/[a-z0-9_]+\/1\.0\/login\/qrcode\/?$/.test(path)) return qrLogin;
  return undefined;
}

/** Answers a refused request the way 115's risk control does. */
function refuse(res: ServerResponse, answer: RiskControlOptions['answer']): void {
  if (answer === 'waf405') return sendText(res, 405, WAF_405_PAGE, 'text/html; charset=utf-8');
  if (answer === 'errno911') return sendJson(res, apiError(ERR.verifyAccount, '请验证账号'));
  sendJson(res, apiError(ERR.tooFrequent, '操作太频繁，请稍候再试'));
}

export async function startP115Emulator(options: P115EmulatorOptions = {}): Promise<P115Emulator> {
  const faults = new Faults();
  const userNames = options.users?.length ? options.users : ['alice'];
  const ctx: P115EmulatorContext = {
    baseUrl: '',
    users: new Map(),
    sessions: new Sessions(),
    qr: new QrTokens(options.qrLifetimeMs ?? 5 * 60_000),
    risk: new RiskControl(options.riskControl),
    faults,
    rsa: generateRsa(),
    cdn: new Cdn(options.urlLifetimeS ?? 3600, faults, { web: true, app: false, ...options.cookieBoundUrls }),
    offline: new Map(),
    offlineQuota: options.offlineQuota ?? 100,
    shares: new ShareStore(),
    shareOptions: { ...options.share },
    upload: new UploadState(options.upload),
  };
  const ossStore = new OssStore();
  const byName = new Map<string, UserTree>();
  userNames.forEach((name, i) => {
    const tree = new UserTree(name, String(306_000_000 + i * 1_117));
    ctx.users.set(tree.userId, tree);
    byName.set(name, tree);
  });
  if (options.seedDir) await byName.get(userNames[0]!)!.seedFrom(options.seedDir);
  const autoPhoneUser = options.qrAutoConfirm && byName.get(options.qrAutoConfirm.user);
  if (options.qrAutoConfirm && !autoPhoneUser) throw new Error(`emulator has no user '${options.qrAutoConfirm.user}' to confirm QR codes`);
  const autoPhone = autoPhoneUser ? new QrAutoPhone(ctx.qr, autoPhoneUser.userId, options.qrAutoConfirm?.afterMs ?? 1000) : undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', ctx.baseUrl);
    // OSS is Aliyun, not 115: no cookies, no 115 risk control; its own V1 auth (oss.ts).
    const oss = ossHostOf(req.headers.host);
    if (oss === 'endpoint') return ossStore.refusePathStyle({ ctx, req, res, url, path: url.pathname });
    if (oss) return ossStore.handle({ ctx, req, res, url, path: url.pathname }, oss.bucket);
    const [, host = '', ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    const method = req.method ?? 'GET';
    if (host === 'cdn') {
      if (method !== 'GET' && method !== 'HEAD') return sendText(res, 405, 'Method Not Allowed');
      return ctx.cdn.serve(req, res, url, ctx.users);
    }
    const injected = faults.takeHttp5xx(url.pathname);
    if (injected) return sendText(res, injected, `<html><body><h1>${injected}</h1></body></html>`, 'text/html');
    const call: Call = { ctx, req, res, url, path };
    const pub = publicRoute(host, method, path);
    if (pub) return pub(call);
    if (host === 'my' && path === '/' && url.searchParams.get('ac') === 'status') return loginStatus(call);
    const maybe = MAYBE_AUTHED[`${host} ${method} ${path}`];
    if (maybe) {
      // Anonymous share listing is throttled per IP (share notes §4, §9.8); a valid cookie is counted as itself.
      const found = ctx.sessions.lookup(req.headers.cookie);
      const refused = ctx.risk.check(found.ok ? cookieKey(req.headers.cookie) : `ip:${req.socket.remoteAddress ?? ''}`);
      if (refused) return refuse(res, refused);
      return maybe(found.ok ? { ...call, session: found.session, tree: ctx.users.get(found.session.userId)! } : call);
    }

    const authed =
      AUTHED[`${host} ${method} ${path}`] ??
      (host === 'lixian' ? lixianAction(call) : undefined) ??
      (host === 'my' && path === '/' && url.searchParams.get('ac') === 'nav' ? userNav : undefined);
    if (!authed) return sendJson(res, apiError(980006, '404 Not Found'));
    const refused = ctx.risk.check(cookieKey(req.headers.cookie));
    if (refused) return refuse(res, refused);
    const found = ctx.sessions.lookup(req.headers.cookie);
    if (!found.ok) {
      return sendJson(
        res,
        found.reason === 'kicked' ? apiError(ERR.sessionExpired, '登陆超时，请重新登陆。', { data: [] }) : apiError(ERR.notLoggedIn, '请重新登录', { data: [] }),
      );
    }
    const tree = ctx.users.get(found.session.userId)!;
    return authed({ ...call, session: found.session, tree });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, apiError(990003, `操作失败: ${(err as Error).message}`), 500);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  ctx.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ctx.cdn.baseUrl = ctx.baseUrl;

  const users: P115EmulatorUser[] = [...byName.values()].map((tree) => ({
    name: tree.name,
    cookie: cookieOf(ctx.sessions.login(tree.userId, 'web')),
    user_id: tree.userId,
    root_cid: '0',
  }));
  const treeOf = (user: string): UserTree => {
    const tree = byName.get(user);
    if (!tree) throw new Error(`emulator has no user '${user}'`);
    return tree;
  };

  return {
    baseUrl: ctx.baseUrl,
    hosts: Object.fromEntries(HOST_NAMES.map((h) => [h, `${ctx.baseUrl}/${h}`])) as Record<HostName, string>,
    users,
    rsa_n: ctx.rsa.n.toString(16),
    rsa_e: ctx.rsa.e.toString(16),
    ecdh_pub: ctx.upload.ecdh.publicKey.subarray(1).toString('hex'),
    ossConnect: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    get uploadStats() {
      return { ...ctx.upload.stats };
    },
    expireStsTokens: () => ctx.upload.expireSts(),
    userkey: (user) => ctx.upload.userKey(treeOf(user).userId),
    renewUserkey: (user) => ctx.upload.renewUserKey(treeOf(user).userId),
    get cdnBytesServed() {
      return ctx.cdn.bytesServed;
    },
    get cdnRefused() {
      return ctx.cdn.refused;
    },
    get blockedRequests() {
      return ctx.risk.blockedRequests;
    },
    tree: treeOf,
    putFile: (user, path, data) => treeOf(user).putBuffer(path, data),
    login: (user, app) => cookieOf(ctx.sessions.login(treeOf(user).userId, app)),
    scanQr: (uid) => {
      ctx.qr.scan(uid);
    },
    confirmQr: (uid, user) => {
      ctx.qr.confirm(uid, treeOf(user).userId);
    },
    cancelQr: (uid) => {
      ctx.qr.cancel(uid);
    },
    expireQr: (uid) => {
      ctx.qr.require(uid).status = -1;
    },
    setRiskControl: (opts) => {
      ctx.risk.options = opts;
      ctx.risk.reset();
    },
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    expireUrls: (afterBytes = 0) => ctx.cdn.expireIssued(afterBytes),
    setUrlLifetime: (seconds) => {
      ctx.cdn.urlLifetimeS = seconds;
    },
    setCookieBoundUrls: (routes) => {
      ctx.cdn.cookieBound = { ...ctx.cdn.cookieBound, ...routes };
    },
    setOfflineTask: (user, infoHash, patch) => {
      const task = ctx.offline.get(treeOf(user).userId)?.tasks.get(infoHash);
      if (!task) throw new Error(`no offline task ${infoHash}`);
      Object.assign(task, patch);
    },
    createShare: (user, paths, opts = {}) => {
      const tree = treeOf(user);
      const nodes = paths.map((p) => {
        const node = tree.nodeByPath(p);
        if (!node || !tree.live(node.id)) throw new Error(`'${user}' has no '${p}' to share`);
        return node;
      });
      const share = ctx.shares.create(tree, nodes, opts);
      return { share_code: share.code, receive_code: share.receiveCode };
    },
    setShare: (shareCode, patch) => {
      const share = ctx.shares.require(shareCode);
      if (patch.state !== undefined) share.state = patch.state;
      if (patch.numbersAsStrings !== undefined) share.numbersAsStrings = patch.numbersAsStrings;
    },
    get shareReceives() {
      return ctx.shares.receives;
    },
    get shareDownurls() {
      return { ...ctx.shares.downurls };
    },
    close: () =>
      new Promise<void>((resolve) => {
        ctx.shares.clearTimers();
        autoPhone?.stop();
        server.closeAllConnections();
        server.close(() => void ossStore.close().then(resolve, resolve));
      }),
  };
}

/** A share as `ferry emulate p115 --share` prints it. */
export interface P115EmulatorShareLine {
  share_code: string;
  receive_code: string;
  url: string;
}

/** The public link of a share, in 115's own form (share notes §1). */
export function shareLinkOf(share: { share_code: string; receive_code: string }): P115EmulatorShareLine {
  return { ...share, url: `https://115.com/s/${share.share_code}?password=${share.receive_code}` };
}

/**
 * The `ferry emulate p115 --json` line: everything an outside client needs to talk to the emulator;
 * `shares` and `expired_shares` only when some were created (--share, --share-expired).
 */
export function formatP115EmulatorJson(emu: P115Emulator, shares: P115EmulatorShareLine[] = [], expiredShares: P115EmulatorShareLine[] = []): string {
  const { hosts, users, rsa_n, rsa_e, ecdh_pub, ossConnect } = emu;
  return JSON.stringify({
    hosts,
    users,
    rsa_n,
    rsa_e,
    ecdh_pub,
    oss_connect: ossConnect,
    ...(shares.length ? { shares } : {}),
    ...(expiredShares.length ? { expired_shares: expiredShares } : {}),
  });
}
