import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { aliyunPreHash, aliyunProofCode } from '@ferry/protocols';
import { type AliyunOpenEmulator, type AliyunOpenEmulatorOptions, formatAliyunOpenEmulatorJson, startAliyunOpenEmulator } from '../src/index.js';

const P = '/adrive/v1.0/openFile';
let open: AliyunOpenEmulator[] = [];

afterEach(async () => {
  await Promise.all(open.map((e) => e.close()));
  open = [];
});

async function start(options: AliyunOpenEmulatorOptions = { rateLimits: false }): Promise<AliyunOpenEmulator> {
  const emulator = await startAliyunOpenEmulator(options);
  open.push(emulator);
  return emulator;
}

async function grant(em: AliyunOpenEmulator, refreshToken: string, secret = em.client_secret) {
  const res = await fetch(`${em.base}/oauth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: em.client_id, client_secret: secret, grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function token(em: AliyunOpenEmulator): Promise<string> {
  return (await grant(em, em.issueRefreshToken())).body.access_token as string;
}

async function call(em: AliyunOpenEmulator, accessToken: string, path: string, body: unknown = {}) {
  const res = await fetch(`${em.base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
}

function ramp(n: number, seed = 0): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + seed) % 251;
  return out;
}

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

describe('aliyun-open emulator: OAuth', () => {
  it('rotates the refresh token, refuses its reuse, and expires access tokens on its clock', async () => {
    const em = await start({ rateLimits: false, accessTokenTtlSec: 60 });
    const first = await grant(em, em.refresh_token);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 60 });
    expect(first.body.refresh_token).not.toBe(em.refresh_token);

    const reuse = await grant(em, em.refresh_token);
    expect(reuse).toMatchObject({ status: 401, body: { code: 'RefreshTokenInvalid' } });
    expect((await grant(em, first.body.refresh_token, 'wrong')).body.code).toBe('InvalidClientSecret');

    const second = await grant(em, first.body.refresh_token);
    expect(second.status).toBe(200);
    // The old access token stays valid until its own expiry.
    expect((await call(em, first.body.access_token, '/adrive/v1.0/user/getDriveInfo')).status).toBe(200);
    em.advanceClock(61_000);
    expect((await call(em, second.body.access_token, '/adrive/v1.0/user/getDriveInfo')).body.code).toBe('AccessTokenExpired');
    expect((await call(em, 'nonsense', '/adrive/v1.0/user/getDriveInfo')).body.code).toBe('AccessTokenInvalid');
    expect(em.stats.refreshGrants).toBe(2);
  });

  it('lets only one of two simultaneous refreshes with the same token through', async () => {
    const em = await start();
    const token = em.issueRefreshToken();
    const results = await Promise.all([grant(em, token), grant(em, token)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('issues JWT-shaped tokens whose payload decodes as unpadded standard base64 with sub = user_id', async () => {
    const em = await start();
    const access = await token(em);
    const segments = access.split('.');
    expect(segments).toHaveLength(3);
    expect(segments[1]).toMatch(/^[A-Za-z0-9]+$/);
    const payload = JSON.parse(Buffer.from(segments[1]!, 'base64').toString('utf8')) as { sub: string };
    const info = await call(em, access, '/adrive/v1.0/user/getDriveInfo');
    expect(info.body).toMatchObject({ user_id: payload.sub, default_drive_id: em.drive_id, resource_drive_id: em.resource_drive_id });
  });

  it('prints the --json line with exactly the five fields', async () => {
    const em = await start();
    expect(Object.keys(JSON.parse(formatAliyunOpenEmulatorJson(em)))).toEqual(['base', 'client_id', 'client_secret', 'refresh_token', 'drive_id']);
  });
});

describe('aliyun-open emulator: files', () => {
  it('lists with marker paging, clamping limit to 100, and refuses foreign drives', async () => {
    const em = await start();
    const t = await token(em);
    for (let i = 0; i < 130; i++) em.put(`/d/f${String(i).padStart(3, '0')}`, Buffer.from([i]));
    const root = await call(em, t, `${P}/get_by_path`, { drive_id: em.drive_id, file_path: '/d' });
    const page1 = await call(em, t, `${P}/list`, { drive_id: em.drive_id, parent_file_id: root.body.file_id, limit: 200 });
    expect(page1.body.items).toHaveLength(100);
    expect(page1.body.next_marker).not.toBe('');
    const page2 = await call(em, t, `${P}/list`, { drive_id: em.drive_id, parent_file_id: root.body.file_id, limit: 200, marker: page1.body.next_marker });
    expect(page2.body.items).toHaveLength(30);
    expect(page2.body.next_marker).toBe('');
    expect(page2.body.items[0]).toMatchObject({ name: 'f100', type: 'file', size: 1, content_hash_name: 'sha1', content_hash: sha1(Buffer.from([100])).toUpperCase() });
    expect((await call(em, t, `${P}/list`, { drive_id: 'nope', parent_file_id: 'root' })).body.code).toBe('UserNotAllowedAccessDrive');
    expect((await call(em, t, `${P}/get_by_path`, { drive_id: em.drive_id, file_path: '/missing' })).body.code).toBe('NotFound.File');
    expect((await call(em, t, `${P}/get`, { drive_id: em.drive_id, file_id: 'missing' })).status).toBe(404);

    const strict = await start({ rateLimits: false, strictListLimit: true });
    const st = await token(strict);
    expect((await call(strict, st, `${P}/list`, { drive_id: strict.drive_id, parent_file_id: 'root', limit: 200 })).status).toBe(400);
  });

  it('serves expiring download URLs with HTTP Range', async () => {
    const em = await start();
    const t = await token(em);
    const data = ramp(10_000);
    em.put('/r.bin', data);
    const file = await call(em, t, `${P}/get_by_path`, { drive_id: em.drive_id, file_path: '/r.bin' });
    const link = await call(em, t, `${P}/getDownloadUrl`, { drive_id: em.drive_id, file_id: file.body.file_id, expire_sec: 60 });
    expect(link.body).toMatchObject({ method: 'GET', size: 10_000 });
    const ranged = await fetch(link.body.url, { headers: { range: 'bytes=100-199' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe('bytes 100-199/10000');
    expect(Buffer.from(await ranged.arrayBuffer()).equals(data.subarray(100, 200))).toBe(true);
    const tail = await fetch(link.body.url, { headers: { range: 'bytes=-8' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(data.subarray(9992))).toBe(true);
    expect((await fetch(link.body.url, { headers: { range: 'bytes=20000-' } })).status).toBe(416);
    expect(em.stats.downloadBytes).toBe(108);
    em.advanceClock(61_000);
    const expired = await fetch(link.body.url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired.');
  });

  it('applies check_name_mode on create, and renames, moves, copies, trashes and deletes', async () => {
    const em = await start();
    const t = await token(em);
    em.put('/a.txt', Buffer.from('a'));
    const held = await call(em, t, `${P}/get_by_path`, { drive_id: em.drive_id, file_path: '/a.txt' });
    const base = { drive_id: em.drive_id, parent_file_id: 'root', name: 'a.txt', type: 'file', size: 1, part_info_list: [{ part_number: 1 }] };
    const refused = await call(em, t, `${P}/create`, { ...base, check_name_mode: 'refuse' });
    expect(refused.body).toMatchObject({ exist: true, file_id: held.body.file_id });
    expect(refused.body.part_info_list).toBeUndefined();
    expect((await call(em, t, `${P}/create`, { ...base, check_name_mode: 'auto_rename' })).body.file_name).toBe('a(1).txt');
    expect((await call(em, t, `${P}/create`, { ...base, check_name_mode: 'ignore' })).body.file_name).toBe('a.txt');

    const folder = await call(em, t, `${P}/create`, { drive_id: em.drive_id, parent_file_id: 'root', name: 'box', type: 'folder', check_name_mode: 'refuse' });
    expect((await call(em, t, `${P}/create`, { drive_id: em.drive_id, parent_file_id: 'root', name: 'box', type: 'folder', check_name_mode: 'refuse' })).body).toMatchObject({ exist: true, file_id: folder.body.file_id });

    const id = held.body.file_id;
    expect((await call(em, t, `${P}/update`, { drive_id: em.drive_id, file_id: id, name: 'b.txt' })).body.name).toBe('b.txt');
    expect((await call(em, t, `${P}/move`, { drive_id: em.drive_id, file_id: id, to_parent_file_id: folder.body.file_id })).body).toMatchObject({ exist: false });
    // new_name is the name used on a clash only (Android SDK MoveFile): without one the item keeps its name.
    em.put('/c.txt', Buffer.from('c'));
    const c = (await call(em, t, `${P}/get_by_path`, { drive_id: em.drive_id, file_path: '/c.txt' })).body.file_id;
    const into = { drive_id: em.drive_id, to_parent_file_id: folder.body.file_id, check_name_mode: 'refuse' };
    expect((await call(em, t, `${P}/move`, { ...into, file_id: c, new_name: 'renamed.txt' })).body).toMatchObject({ exist: false });
    expect(em.names('/box')).toEqual(['b.txt', 'c.txt']);
    em.put('/b.txt', Buffer.from('second b'));
    const b2 = (await call(em, t, `${P}/get_by_path`, { drive_id: em.drive_id, file_path: '/b.txt' })).body.file_id;
    expect((await call(em, t, `${P}/move`, { ...into, file_id: b2 })).body).toMatchObject({ exist: true });
    expect((await call(em, t, `${P}/move`, { ...into, file_id: b2, new_name: 'b2.txt' })).body).toMatchObject({ exist: false });
    expect(em.names('/box')).toEqual(['b.txt', 'b2.txt', 'c.txt']);
    const copy = await call(em, t, `${P}/copy`, { drive_id: em.drive_id, file_id: folder.body.file_id, to_parent_file_id: 'root', auto_rename: true });
    expect(copy.body.async_task_id).toBeTruthy();
    expect(em.names('/')).toEqual(['box', 'box(1)']);
    expect(em.read('/box(1)/b.txt')!.toString()).toBe('a');
    await call(em, t, `${P}/recyclebin/trash`, { drive_id: em.drive_id, file_id: folder.body.file_id });
    expect((await call(em, t, `${P}/get`, { drive_id: em.drive_id, file_id: id })).body.code).toBe('ForbiddenFileInTheRecycleBin');
    await call(em, t, `${P}/delete`, { drive_id: em.drive_id, file_id: copy.body.file_id });
    expect(em.names('/')).toEqual([]);
  });
});

describe('aliyun-open emulator: uploads', () => {
  it('runs the rapid-upload exchange: pre_hash match, a wrong proof refused, the right one landing', async () => {
    const em = await start();
    const t = await token(em);
    const data = ramp(5000, 3);
    em.put('/held.bin', data);
    const base = { drive_id: em.drive_id, parent_file_id: 'root', name: 'copy.bin', type: 'file', size: data.length, part_info_list: [{ part_number: 1 }] };

    const pre = await call(em, t, `${P}/create`, { ...base, pre_hash: aliyunPreHash(data.subarray(0, 1024)) });
    expect(pre).toMatchObject({ status: 409, body: { code: 'PreHashMatched' } });
    const miss = await call(em, t, `${P}/create`, { ...base, name: 'other.bin', pre_hash: aliyunPreHash(ramp(1024, 9)) });
    expect(miss.body).toMatchObject({ rapid_upload: false });
    expect(miss.body.part_info_list).toHaveLength(1);

    const proofFields = { content_hash: sha1(data), content_hash_name: 'sha1', proof_version: 'v1' };
    const wrong = await call(em, t, `${P}/create`, { ...base, ...proofFields, proof_code: aliyunProofCode('another token', data) });
    expect(wrong.body).toMatchObject({ rapid_upload: false });
    expect(em.read('/copy.bin')).toBeUndefined();

    const right = await call(em, t, `${P}/create`, { ...base, ...proofFields, proof_code: aliyunProofCode(t, data) });
    expect(right.body).toMatchObject({ rapid_upload: true });
    expect(em.read('/copy.bin')!.equals(data)).toBe(true);
    const done = await call(em, t, `${P}/complete`, { drive_id: em.drive_id, file_id: right.body.file_id, upload_id: right.body.upload_id });
    expect(done.body).toMatchObject({ name: 'copy.bin', size: 5000, content_hash: sha1(data).toUpperCase() });
    expect(em.stats).toMatchObject({ preHashMatches: 1, proofRejected: 1, rapidHits: 1 });

    const strict = await start({ rateLimits: false, wrongProof: 'error' });
    const st = await token(strict);
    strict.put('/held.bin', data);
    const refused = await call(strict, st, `${P}/create`, { ...base, drive_id: strict.drive_id, ...proofFields, proof_code: 'AAAAAAAAAAA=' });
    expect(refused.body.code).toBe('InvalidRapidProof');
  });

  it('takes parts on presigned URLs that expire and renew, and assembles them on complete', async () => {
    const em = await start({ rateLimits: false, partUrlTtlSec: 60 });
    const t = await token(em);
    const data = ramp(250_000, 1);
    const parts = [data.subarray(0, 150_000), data.subarray(150_000)];
    const created = await call(em, t, `${P}/create`, {
      drive_id: em.drive_id, parent_file_id: 'root', name: 'up.bin', type: 'file', size: data.length, content_hash: sha1(data),
      part_info_list: [{ part_number: 1 }, { part_number: 2 }],
    });
    const { file_id, upload_id } = created.body;
    const urls = (created.body.part_info_list as { upload_url: string }[]).map((p) => p.upload_url);
    expect(new URL(urls[0]!).searchParams.get('x-oss-expires')).toBeTruthy();

    const typed = await fetch(urls[0]!, { method: 'PUT', body: parts[0], headers: { 'content-type': 'application/octet-stream' } });
    expect(typed.status).toBe(403);
    expect((await fetch(urls[0]!, { method: 'PUT', body: parts[0] })).status).toBe(200);
    expect((await fetch(urls[0]!, { method: 'PUT', body: parts[0] })).status).toBe(409);
    expect(em.read('/up.bin')).toBeUndefined();

    em.advanceClock(61_000);
    const late = await fetch(urls[1]!, { method: 'PUT', body: parts[1] });
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('Request has expired.');
    const fresh = await call(em, await token(em), `${P}/getUploadUrl`, { drive_id: em.drive_id, file_id, upload_id, part_info_list: [{ part_number: 2 }] });
    expect((await fetch(fresh.body.part_info_list[0].upload_url, { method: 'PUT', body: parts[1] })).status).toBe(200);

    const t2 = await token(em);
    const listed = await call(em, t2, `${P}/listUploadedParts`, { drive_id: em.drive_id, file_id, upload_id });
    expect(listed.body.uploaded_parts.map((p: { part_number: number }) => p.part_number)).toEqual([1, 2]);
    const done = await call(em, t2, `${P}/complete`, { drive_id: em.drive_id, file_id, upload_id });
    expect(done.body).toMatchObject({ name: 'up.bin', size: data.length, content_hash: sha1(data).toUpperCase() });
    expect(em.read('/up.bin')!.equals(data)).toBe(true);
    expect((await call(em, t2, `${P}/complete`, { drive_id: em.drive_id, file_id, upload_id })).status).toBe(200);
    expect((await call(em, t2, `${P}/complete`, { drive_id: em.drive_id, file_id, upload_id: 'nope' })).body.code).toBe('NotFound.UploadId');
    expect(em.stats.putBytes).toBe(150_000 * 2 + 100_000);
  });

  it('refuses a complete with a missing part, a short middle part or a wrong SHA-1', async () => {
    const em = await start();
    const t = await token(em);
    const make = async (name: string, extra: Record<string, unknown> = {}) =>
      (await call(em, t, `${P}/create`, { drive_id: em.drive_id, parent_file_id: 'root', name, type: 'file', part_info_list: [{ part_number: 1 }, { part_number: 2 }], ...extra })).body;
    const put = (s: Record<string, any>, i: number, body: Buffer) => fetch(s.part_info_list[i].upload_url, { method: 'PUT', body });
    const complete = (s: Record<string, any>) => call(em, t, `${P}/complete`, { drive_id: em.drive_id, file_id: s.file_id, upload_id: s.upload_id });

    const missing = await make('m.bin');
    await put(missing, 0, ramp(200_000));
    expect((await complete(missing)).body.code).toBe('InvalidPart');

    const short = await make('s.bin');
    await put(short, 0, ramp(1000));
    await put(short, 1, ramp(1000));
    expect((await complete(short)).body.code).toBe('EntityTooSmall');

    const wrong = await make('w.bin', { content_hash: sha1(Buffer.from('else')), size: 200_001 });
    await put(wrong, 0, ramp(200_000));
    await put(wrong, 1, Buffer.from([1]));
    expect((await complete(wrong)).body.code).toBe('InvalidContentHash');
    expect(em.names('/')).toEqual([]);

    const bad = await call(em, t, `${P}/create`, { drive_id: em.drive_id, parent_file_id: 'root', name: 'g.bin', type: 'file', part_info_list: [{ part_number: 2 }] });
    expect(bad.status).toBe(400);
  });
});

describe('aliyun-open emulator: limits and faults', () => {
  it('answers 429 TooManyRequests with x-retry-after past the documented list rate', async () => {
    const em = await start({});
    const t = await token(em);
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await call(em, t, `${P}/list`, { drive_id: em.drive_id, parent_file_id: 'root' }));
    const throttled = results.find((r) => r.status === 429);
    expect(throttled?.body.code).toBe('TooManyRequests');
    const wait = Number(throttled!.headers.get('x-retry-after'));
    expect(wait).toBeGreaterThan(0);
    em.advanceClock(wait);
    expect((await call(em, t, `${P}/list`, { drive_id: em.drive_id, parent_file_id: 'root' })).status).toBe(200);
    expect(em.stats.throttled).toBeGreaterThanOrEqual(1);
  });

  it('injects 5xx, dropped connections and expired URLs', async () => {
    const em = await start();
    const t = await token(em);
    em.put('/f.bin', ramp(100_000));
    em.inject({ on: `${P}/get_by_path`, kind: 'status', status: 503 });
    expect((await call(em, t, `${P}/get_by_path`, { drive_id: em.drive_id, file_path: '/f.bin' })).status).toBe(503);
    em.inject({ on: `${P}/get_by_path`, kind: 'drop' });
    await expect(call(em, t, `${P}/get_by_path`, { drive_id: em.drive_id, file_path: '/f.bin' })).rejects.toThrow();
    const file = await call(em, t, `${P}/get_by_path`, { drive_id: em.drive_id, file_path: '/f.bin' });
    const link = await call(em, t, `${P}/getDownloadUrl`, { drive_id: em.drive_id, file_id: file.body.file_id });
    em.inject({ on: 'download', kind: 'drop' });
    await expect(fetch(link.body.url).then((r) => r.arrayBuffer())).rejects.toThrow();
    em.inject({ on: 'download', kind: 'expire' });
    expect((await fetch(link.body.url)).status).toBe(403);
    expect((await fetch(link.body.url)).status).toBe(200);
  });
});
