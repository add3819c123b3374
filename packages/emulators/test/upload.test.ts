import { createHash, randomBytes } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { type Socket, connect as netConnect } from 'node:net';
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KEcClient,
  createKEcClient,
  encodeInitUploadForm,
  encodeKEcToken,
  kEcDecryptResponse,
  kEcEncryptRequest,
  m115DecodeResponse,
  m115EncodeRequest,
  ossAuthorization,
  ossCallbackHeaders,
  ossCallbackResult115,
  ossContentMd5,
  p115Sha1,
  parseSignCheck,
  rsaPublicKey,
  uploadTarget,
} from '@ferry/protocols';
import { type P115Emulator, startP115Emulator } from '../src/index.js';

/**
 * Uploads against the 115 emulator over real HTTP, with the protocols' CLIENT codecs: k_ec init,
 * challenge, STS + OSS V1 signing, simple PUT and multipart with 115's callback.
 */
type Json = Record<string, any>;
const UA = 'Mozilla/5.0 upload-test';
/** The endpoint host getuploadinfo names, as 115's does. */
const OSS_HOST = 'oss-cn-shenzhen.aliyuncs.com';
const APP_VERSION = '35.6.0.3';
let emu: P115Emulator;
let cookie: string;
let userId: string;
let userKey: string;

beforeAll(async () => {
  emu = await startP115Emulator({ users: ['alice', 'bob'] });
  cookie = emu.users[0]!.cookie;
  userId = emu.users[0]!.user_id;
});
afterAll(() => emu.close());

async function api(url: string, form?: Record<string, string>, headers: Record<string, string> = {}): Promise<Json> {
  const res = await fetch(url, {
    method: form ? 'POST' : 'GET',
    headers: { cookie, 'user-agent': UA, ...headers },
    ...(form ? { body: new URLSearchParams(form) } : {}),
  });
  return (await res.json()) as Json;
}

function serverKey(): Buffer {
  return Buffer.from(`04${emu.ecdh_pub}`, 'hex');
}

interface InitArgs {
  data: Buffer;
  cid: string;
  name?: string;
  signKey?: string;
  signVal?: string;
  /** Overrides applied to the plain form after it is built (to forge sig/token/target). */
  patch?: Record<string, string>;
  t?: number;
}

async function initRaw(args: InitArgs, client: KEcClient = createKEcClient(serverKey())): Promise<Response> {
  const form = new URLSearchParams(
    encodeInitUploadForm({
      appVersion: APP_VERSION,
      userId,
      userKey,
      fileName: args.name ?? 'f.bin',
      fileSize: args.data.length,
      fileId: p115Sha1(args.data),
      cid: args.cid,
      t: args.t ?? Date.now(),
      ...(args.signKey ? { signKey: args.signKey, signVal: args.signVal ?? '' } : {}),
    }),
  );
  for (const [k, v] of Object.entries(args.patch ?? {})) form.set(k, v);
  const token = encodeKEcToken(client.publicBlob, Date.now() % 2 ** 32);
  return fetch(`${emu.hosts.uplb}/4.0/initupload.php?k_ec=${encodeURIComponent(token)}`, {
    method: 'POST',
    headers: { cookie, 'user-agent': UA, 'content-type': 'application/x-www-form-urlencoded' },
    body: kEcEncryptRequest(client, form.toString()),
  });
}

async function init(args: InitArgs): Promise<Json> {
  const client = createKEcClient(serverKey());
  const res = await initRaw(args, client);
  expect(res.status).toBe(200);
  return JSON.parse(kEcDecryptResponse(client, Buffer.from(await res.arrayBuffer())).toString('utf8')) as Json;
}

interface Sts {
  AccessKeyId: string;
  AccessKeySecret: string;
  SecurityToken: string;
  Expiration: string;
}

async function sts(): Promise<Sts> {
  const reply = (await (await fetch(`${emu.hosts.uplb}/3.0/gettoken.php`)).json()) as Json;
  expect(reply['StatusCode']).toBe('200');
  return reply as unknown as Sts;
}

/**
 * A request to a real OSS URL whose connection goes to the emulator (what curl --connect-to
 * does): the Host header stays the URL's. fetch cannot send its own Host header, node:http can.
 */
function viaEmulator(url: string, init: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<Response> {
  const target = new URL(url);
  const [address, port] = emu.ossConnect.split(':');
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: address, port: Number(port), method: init.method ?? 'GET', path: `${target.pathname}${target.search}`, headers: { ...init.headers, host: target.host } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
          resolve(new Response(res.statusCode === 204 ? null : Buffer.concat(chunks), { status: res.statusCode!, headers }));
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** One signed OSS request to the bucket's virtual host, connected to the emulator. */
async function oss(
  cred: Sts,
  verb: string,
  bucket: string,
  object: string,
  query: Record<string, string>,
  body?: Buffer,
  extra: Record<string, string> = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    date: new Date().toUTCString(),
    'content-type': 'application/octet-stream',
    'x-oss-security-token': cred.SecurityToken,
    ...extra,
  };
  headers['authorization'] = ossAuthorization(cred.AccessKeyId, cred.AccessKeySecret, { verb, bucket, object, headers, query });
  const qs = Object.entries(query)
    .map(([k, v]) => (v === '' ? k : `${k}=${encodeURIComponent(v)}`))
    .join('&');
  return viaEmulator(`http://${bucket}.${OSS_HOST}/${object}${qs ? `?${qs}` : ''}`, { method: verb, headers, ...(body ? { body } : {}) });
}

function callbackHeaders(reply: Json): Record<string, string> {
  return ossCallbackHeaders(reply['callback']['callback'], reply['callback']['callback_var']);
}

async function mkdir(name: string): Promise<string> {
  const made = await api(`${emu.hosts.webapi}/files/add`, { pid: '0', cname: name });
  expect(made['state']).toBe(true);
  return made['cid'] as string;
}

async function listed(cid: string): Promise<Json[]> {
  return (await api(`${emu.hosts.webapi}/files?cid=${cid}&limit=100`))['data'] as Json[];
}

async function download(pickCode: string): Promise<Buffer> {
  const pub = rsaPublicKey(emu.rsa_n, emu.rsa_e);
  const req = m115EncodeRequest(JSON.stringify({ pickcode: pickCode }), pub);
  const reply = await api(`${emu.hosts.proapi}/app/chrome/downurl`, { data: req.data });
  expect(reply['state']).toBe(true);
  const plain = JSON.parse(m115DecodeResponse(reply['data'], req.key, pub).toString()) as Record<string, { url: { url: string } }>;
  const res = await fetch(Object.values(plain)[0]!.url.url, { headers: { 'user-agent': UA } });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

function sha1Upper(data: Buffer): string {
  return createHash('sha1').update(data).digest('hex').toUpperCase();
}

describe('115 emulator uploads', () => {
  it('answers uploadinfo, upload_key and getuploadinfo', async () => {
    const info = await api(`${emu.hosts.webapi}/files/uploadinfo`);
    expect(info).toMatchObject({ state: true, user_id: Number(userId), userkey: emu.userkey('alice') });
    expect(info['size_limit']).toBeGreaterThan(5 * 1024 ** 3);
    userKey = info['userkey'];
    expect(await api(`${emu.hosts.proapi}/app/uploadinfo`)).toMatchObject({ userkey: userKey });
    expect(await api(`${emu.hosts.proapi}/app/uploadinfo`, {})).toMatchObject({ userkey: userKey });
    expect(await api(`${emu.hosts.proapi}/android/2.0/user/upload_key`)).toMatchObject({ data: { userkey: userKey } });
    expect(emu.userkey('bob')).not.toBe(userKey);
    expect(await api(`${emu.hosts.webapi}/files/uploadinfo`, undefined, { cookie: '' })).toMatchObject({ state: false, errno: 99 });
    const where = (await (await fetch(`${emu.hosts.uplb}/3.0/getuploadinfo.php`)).json()) as Json;
    expect(where).toMatchObject({ endpoint: `http://${OSS_HOST}`, gettokenurl: `${emu.hosts.uplb}/3.0/gettoken.php` });
    expect(emu.ossConnect).toMatch(/^127\.0\.0\.1:\d+$/);
    const cred = await sts();
    expect(Date.parse(cred.Expiration) - Date.now()).toBeGreaterThan(50 * 60_000);
    expect(cred.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('rapid-uploads small known content at once (status 2)', async () => {
    const data = randomBytes(4096);
    emu.putFile('bob', 'elsewhere/x.bin', data);
    const cid = await mkdir('rapid');
    const before = emu.uploadStats.rapid;
    const reply = await init({ data, cid, name: 'copy.bin' });
    expect(reply).toMatchObject({ status: 2, statuscode: 0, fileid: sha1Upper(data), target: uploadTarget(cid) });
    expect(emu.uploadStats.rapid).toBe(before + 1);
    const [item] = await listed(cid);
    expect(item).toMatchObject({ n: 'copy.bin', sha: sha1Upper(data) });
    // A hit's pick code is not the landed file's (wiserain/rclone): the file is found by listing.
    expect(reply['pickcode']).toEqual(expect.any(String));
    expect(item!['pc']).not.toBe(reply['pickcode']);
    expect((await download(item!['pc'])).equals(data)).toBe(true);
  });

  it('challenges rapid upload of files >= 1 MiB and checks sign_val', async () => {
    const data = randomBytes(2 * 1024 * 1024 + 17);
    emu.putFile('bob', 'elsewhere/big.bin', data);
    const cid = await mkdir('challenge');
    const before = emu.uploadStats.challenges;
    const first = await init({ data, cid });
    expect(first).toMatchObject({ status: 7, statuscode: 701 });
    const range = parseSignCheck(first['sign_check'], data.length);
    const wrong = await init({ data, cid, signKey: first['sign_key'], signVal: sha1Upper(data.subarray(range.start, range.end)) });
    expect(wrong).toMatchObject({ status: 8, statuscode: 702 });
    const second = await init({ data, cid });
    expect(second).toMatchObject({ status: 7, statuscode: 701 });
    const r2 = parseSignCheck(second['sign_check'], data.length);
    const done = await init({ data, cid, name: 'big.bin', signKey: second['sign_key'], signVal: sha1Upper(data.subarray(r2.start, r2.end + 1)) });
    expect(done).toMatchObject({ status: 2, statuscode: 0 });
    expect(emu.uploadStats.challenges).toBe(before + 2);
    expect(await listed(cid)).toEqual([expect.objectContaining({ n: 'big.bin', sha: sha1Upper(data) })]);
  });

  it('refuses bad sig, token, target, k_ec and missing cookies', async () => {
    const data = randomBytes(1000);
    // A refusal is `"status": false` (115driver's BoolInt); a bad parameter is status 4 / 402.
    expect(await init({ data, cid: '0', patch: { sig: 'A'.repeat(40) } })).toMatchObject({ status: false, statuscode: 400, statusmsg: 'sig invalid' });
    expect(await init({ data, cid: '0', patch: { token: '0'.repeat(32) } })).toMatchObject({ status: false, statuscode: 400, statusmsg: 'token invalid' });
    // t in seconds is accepted as well, since the token is computed over the same t.
    expect(await init({ data, cid: '0', t: Math.floor(Date.now() / 1000) })).toMatchObject({ status: 1 });
    expect(await init({ data, cid: '1234567890123456789' })).toMatchObject({ status: 4, statuscode: 402 });
    const bobFolder = emu.tree('bob').folderByPath('elsewhere')!;
    expect(await init({ data, cid: bobFolder })).toMatchObject({ statuscode: 402 });
    const bad = await fetch(`${emu.hosts.uplb}/4.0/initupload.php?k_ec=AAAA`, { method: 'POST', headers: { cookie }, body: Buffer.alloc(16) });
    expect(await bad.json()).toMatchObject({ state: false, errno: 990002 });
    emu.injectFault({ kind: 'http5xx', status: 401, pathPrefix: '/uplb/4.0/initupload.php', times: 1 });
    expect((await initRaw({ data, cid: '0' })).status).toBe(401);
    const anon = await fetch(`${emu.hosts.uplb}/4.0/initupload.php?k_ec=AAAA`, { method: 'POST', body: Buffer.alloc(16) });
    expect(await anon.json()).toMatchObject({ state: false, errno: 99 });
  });

  it('lands a simple PUT with the callback, then serves it like any file', async () => {
    const data = randomBytes(300 * 1024 + 3);
    const cid = await mkdir('simple');
    const reply = await init({ data, cid, name: 'put.bin' });
    expect(reply).toMatchObject({ status: 1, bucket: 'fhnfile' });
    expect(JSON.parse(reply['callback']['callback_var'])).toMatchObject({ 'x:pick_code': reply['pickcode'], 'x:user_id': userId, 'x:target': uploadTarget(cid) });
    expect(JSON.parse(reply['callback']['callback'])['callbackBody']).toContain('sha1=${sha1}');
    const resumed = await api(`${emu.hosts.uplb}/3.0/resumeupload.php`, { fileid: sha1Upper(data), filesize: String(data.length), target: uploadTarget(cid), pickcode: reply['pickcode'], userid: userId });
    expect(resumed).toMatchObject({ state: true, bucket: reply['bucket'], object: reply['object'], callback: reply['callback'] });
    const cred = await sts();
    const before = emu.uploadStats;
    const res = await oss(cred, 'PUT', reply['bucket'], reply['object'], {}, data, { 'content-md5': ossContentMd5(data), ...callbackHeaders(reply) });
    expect(res.status).toBe(200);
    const body = ossCallbackResult115.parse(await res.json());
    expect(body.data).toMatchObject({ pick_code: reply['pickcode'], sha1: sha1Upper(data), file_name: 'put.bin', cid });
    expect(Number(body.data.file_size)).toBe(data.length);
    expect(emu.uploadStats.completed).toBe(before.completed + 1);
    expect(emu.uploadStats.ossBytes).toBe(before.ossBytes + data.length);
    expect(await listed(cid)).toEqual([expect.objectContaining({ fid: body.data.file_id, pc: reply['pickcode'], sha: sha1Upper(data) })]);
    expect((await download(reply['pickcode'])).equals(data)).toBe(true);
    // The same callback again: the pick code is spent, OSS reports the failed callback.
    const again = await oss(cred, 'PUT', reply['bucket'], reply['object'], {}, data, callbackHeaders(reply));
    expect(again.status).toBe(203);
    expect(await again.text()).toContain('CallbackFailed');
    // Now known: a second init of the same bytes is rapid.
    expect(await init({ data, cid, name: 'dup.bin' })).toMatchObject({ status: 2 });
  });

  it('does multipart with ListParts, a retried part and the callback on complete', async () => {
    const sizes = [512 * 1024, 512 * 1024, 100 * 1024 + 1];
    const parts = sizes.map((n) => randomBytes(n));
    const data = Buffer.concat(parts);
    const cid = await mkdir('multi');
    const reply = await init({ data, cid, name: 'multi.bin' });
    expect(reply['status']).toBe(1);
    const { bucket, object } = reply as { bucket: string; object: string };
    const cred = await sts();
    const started = await oss(cred, 'POST', bucket, object, { sequential: '', uploads: '', 'x-oss-enable-sha1': '' });
    expect(started.status).toBe(200);
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await started.text())![1]!;
    emu.injectFault({ kind: 'ossPartFail', times: 1 });
    const etags: string[] = [];
    for (const [i, part] of parts.entries()) {
      const q = { partNumber: String(i + 1), uploadId };
      let put = await oss(cred, 'PUT', bucket, object, q, part);
      if (i === 0) {
        expect(put.status).toBe(500);
        expect(await put.text()).toContain('InternalError');
        put = await oss(cred, 'PUT', bucket, object, q, part);
      }
      expect(put.status).toBe(200);
      const etag = put.headers.get('etag')!;
      expect(etag.toLowerCase()).toBe(`"${createHash('md5').update(part).digest('hex')}"`);
      etags.push(etag);
    }
    const list = await oss(cred, 'GET', bucket, object, { uploadId });
    const xml = await list.text();
    expect(list.status).toBe(200);
    expect([...xml.matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => m[1])).toEqual(['1', '2', '3']);
    expect([...xml.matchAll(/<Size>(\d+)<\/Size>/g)].map((m) => Number(m[1]))).toEqual(sizes);
    const completeXml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
    const done = await oss(cred, 'POST', bucket, object, { uploadId }, Buffer.from(completeXml), { 'content-type': 'text/xml', ...callbackHeaders(reply) });
    expect(done.status).toBe(200);
    const body = ossCallbackResult115.parse(await done.json());
    expect(body.data).toMatchObject({ pick_code: reply['pickcode'], sha1: sha1Upper(data), cid });
    expect(await listed(cid)).toEqual([expect.objectContaining({ n: 'multi.bin', sha: sha1Upper(data) })]);
    expect((await download(reply['pickcode'])).equals(data)).toBe(true);
    expect((await oss(cred, 'GET', bucket, object, { uploadId })).status).toBe(404);
    // Landed >= 1 MiB content is now known: a new init gets the challenge.
    expect(await init({ data, cid })).toMatchObject({ status: 7 });
  });

  it('serves OSS only virtual-hosted: path-style is 403 SecondLevelDomainForbidden, another bucket 404', async () => {
    const data = randomBytes(2048);
    const reply = await init({ data, cid: '0', name: 'hosted.bin' });
    const { bucket, object } = reply as { bucket: string; object: string };
    const cred = await sts();
    const headers: Record<string, string> = {
      date: new Date().toUTCString(),
      'content-type': 'application/octet-stream',
      'x-oss-security-token': cred.SecurityToken,
      ...callbackHeaders(reply),
    };
    headers['authorization'] = ossAuthorization(cred.AccessKeyId, cred.AccessKeySecret, { verb: 'PUT', bucket, object, headers });
    const pathStyle = await viaEmulator(`http://${OSS_HOST}/${bucket}/${object}`, { method: 'PUT', headers, body: data });
    expect(pathStyle.status).toBe(403);
    expect(/<Code>([^<]+)<\/Code>/.exec(await pathStyle.text())?.[1]).toBe('SecondLevelDomainForbidden');
    const elsewhere = await viaEmulator(`http://other-bucket.${OSS_HOST}/${object}`, { method: 'PUT', headers, body: data });
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.text()).toContain('<Code>NoSuchBucket</Code>');
    const hosted = await viaEmulator(`http://${bucket}.${OSS_HOST}/${object}`, { method: 'PUT', headers, body: data });
    expect(hosted.status).toBe(200);
    expect(await hosted.json()).toMatchObject({ state: true, data: { file_name: 'hosted.bin', sha1: sha1Upper(data) } });
  });

  it('leaves ${sha1} empty for a multipart upload initiated without x-oss-enable-sha1; a substituted SHA-1 lands', async () => {
    const data = randomBytes(150 * 1024);
    const cid = await mkdir('no-sha1');
    const reply = await init({ data, cid, name: 'nosha.bin' });
    const { bucket, object } = reply as { bucket: string; object: string };
    const cred = await sts();
    const multipart = async (callback: string): Promise<Response> => {
      const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await (await oss(cred, 'POST', bucket, object, { sequential: '', uploads: '' })).text())![1]!;
      const etag = (await oss(cred, 'PUT', bucket, object, { partNumber: '1', uploadId }, data)).headers.get('etag')!;
      const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`;
      const cb = ossCallbackHeaders(callback, reply['callback']['callback_var']);
      return oss(cred, 'POST', bucket, object, { uploadId }, Buffer.from(xml), { 'content-type': 'text/xml', ...cb });
    };
    const empty = await multipart(reply['callback']['callback']);
    expect(empty.status).toBe(203);
    expect(await empty.text()).toContain('callback sha1 is empty');
    expect(await listed(cid)).toEqual([]);
    // elevengo's ReplaceCallbackSha1: the client writes the SHA-1 into the callback body itself.
    const spec = JSON.parse(reply['callback']['callback']) as { callbackBody: string };
    const substituted = await multipart(JSON.stringify({ ...spec, callbackBody: spec.callbackBody.replace('${sha1}', sha1Upper(data)) }));
    expect(substituted.status).toBe(200);
    expect(await listed(cid)).toEqual([expect.objectContaining({ n: 'nosha.bin', sha: sha1Upper(data) })]);
  });

  it('enforces 100 KiB parts at complete and aborts', async () => {
    const data = randomBytes(20 * 1024);
    const reply = await init({ data, cid: '0', name: 'small-parts.bin' });
    const { bucket, object } = reply as { bucket: string; object: string };
    const cred = await sts();
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await (await oss(cred, 'POST', bucket, object, { uploads: '' })).text())![1]!;
    const e1 = (await oss(cred, 'PUT', bucket, object, { partNumber: '1', uploadId }, data.subarray(0, 10240))).headers.get('etag');
    const e2 = (await oss(cred, 'PUT', bucket, object, { partNumber: '2', uploadId }, data.subarray(10240))).headers.get('etag');
    const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${e1}</ETag></Part><Part><PartNumber>2</PartNumber><ETag>${e2}</ETag></Part></CompleteMultipartUpload>`;
    const refused = await oss(cred, 'POST', bucket, object, { uploadId }, Buffer.from(xml), callbackHeaders(reply));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('EntityTooSmall');
    expect((await oss(cred, 'DELETE', bucket, object, { uploadId })).status).toBe(204);
    expect((await oss(cred, 'GET', bucket, object, { uploadId })).status).toBe(404);
  });

  it('refuses bad OSS auth and expired STS tokens', async () => {
    const data = randomBytes(2048);
    const reply = await init({ data, cid: '0', name: 'auth.bin' });
    const { bucket, object } = reply as { bucket: string; object: string };
    const cred = await sts();
    const forged = await oss({ ...cred, AccessKeySecret: 'wrong' }, 'PUT', bucket, object, {}, data);
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('SignatureDoesNotMatch');
    const noToken = await oss({ ...cred, SecurityToken: 'other' }, 'PUT', bucket, object, {}, data);
    expect(await noToken.text()).toContain('InvalidSecurityToken');
    const unsigned = await viaEmulator(`http://${bucket}.${OSS_HOST}/${object}`, { method: 'PUT', body: data });
    expect(unsigned.status).toBe(403);
    emu.expireStsTokens();
    const expired = await oss(cred, 'PUT', bucket, object, {}, data, callbackHeaders(reply));
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('SecurityTokenExpired');
    // The fault: tokens expire after one more OSS request.
    const fresh = await sts();
    emu.injectFault({ kind: 'expireSts', afterRequests: 1 });
    expect((await oss(fresh, 'POST', bucket, object, { uploads: '' })).status).toBe(200);
    expect((await oss(fresh, 'POST', bucket, object, { uploads: '' })).status).toBe(403);
    const ok = await oss(await sts(), 'PUT', bucket, object, {}, data, callbackHeaders(reply));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ state: true, data: { file_name: 'auth.bin' } });
  });
});

/** An http.Agent that connects every request to the emulator's OSS, keeping the URL's Host. */
class EmulatorAgent extends HttpAgent {
  override createConnection(): Socket {
    const [host, port] = emu.ossConnect.split(':');
    return netConnect({ host: host!, port: Number(port) });
  }
}

/**
 * Aliyun's own OSS SDK, a client written without the emulator in mind, as a second opinion on its
 * OSS: virtual-hosted addressing, V1 signatures with `x-oss-date`, callbacks and multipart.
 */
describe('ali-oss against the OSS fake', () => {
  function aliOss(cred: Sts, extra: Record<string, unknown> = {}): OSS {
    return new OSS({
      endpoint: `http://${OSS_HOST}`,
      bucket: 'fhnfile',
      accessKeyId: cred.AccessKeyId,
      accessKeySecret: cred.AccessKeySecret,
      stsToken: cred.SecurityToken,
      secure: false,
      agent: new EmulatorAgent(),
      ...extra,
    } as OSS.Options);
  }

  /** ali-oss's callback option from 115's init reply; `sha1` replaces `${sha1}` when given. */
  function callbackOf(reply: Json, sha1?: string): { url: string; body: string; customValue: Record<string, string> } {
    const spec = JSON.parse(reply['callback']['callback']) as { callbackUrl: string; callbackBody: string };
    const vars = JSON.parse(reply['callback']['callback_var']) as Record<string, string>;
    return {
      url: spec.callbackUrl,
      body: sha1 ? spec.callbackBody.replace('${sha1}', sha1) : spec.callbackBody,
      customValue: Object.fromEntries(Object.entries(vars).map(([k, v]) => [k.replace(/^x:/, ''), v])),
    };
  }

  it("puts an object with 115's callback, and 115 lists it", async () => {
    const data = randomBytes(200 * 1024 + 7);
    const cid = await mkdir('ali-put');
    const reply = await init({ data, cid, name: 'ali-put.bin' });
    const result = (await aliOss(await sts()).put(reply['object'], data, { callback: callbackOf(reply) })) as OSS.PutObjectResult & { data: Json };
    expect(result.res.status).toBe(200);
    expect(result.data).toMatchObject({ state: true, data: { file_name: 'ali-put.bin', sha1: sha1Upper(data) } });
    expect(await listed(cid)).toEqual([expect.objectContaining({ n: 'ali-put.bin', sha: sha1Upper(data) })]);
    expect((await download(reply['pickcode'])).equals(data)).toBe(true);
  });

  it('is refused SecondLevelDomainForbidden when told to address path-style (sldEnable)', async () => {
    const data = randomBytes(1000);
    const reply = await init({ data, cid: '0', name: 'ali-sld.bin' });
    await expect(aliOss(await sts(), { sldEnable: true }).put(reply['object'], data)).rejects.toMatchObject({ status: 403, code: 'SecondLevelDomainForbidden' });
  });

  it('multipart: ${sha1} stays empty without x-oss-enable-sha1 (CallbackFailed); the SHA-1 written into the callback lands', async () => {
    const data = randomBytes(350 * 1024 + 3);
    const cid = await mkdir('ali-multi');
    const reply = await init({ data, cid, name: 'ali-multi.bin' });
    const client = aliOss(await sts());
    await expect(client.multipartUpload(reply['object'], data, { partSize: 100 * 1024, parallel: 1, callback: callbackOf(reply) })).rejects.toMatchObject({ status: 203 });
    expect(await listed(cid)).toEqual([]);
    const done = (await client.multipartUpload(reply['object'], data, { partSize: 100 * 1024, parallel: 1, callback: callbackOf(reply, sha1Upper(data)) })) as { data: Json };
    expect(done.data).toMatchObject({ state: true, data: { file_name: 'ali-multi.bin', sha1: sha1Upper(data) } });
    expect(await listed(cid)).toEqual([expect.objectContaining({ n: 'ali-multi.bin', sha: sha1Upper(data) })]);
    expect((await download(reply['pickcode'])).equals(data)).toBe(true);
  });
});
