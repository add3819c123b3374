import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieHeaderOf, m115DecodeResponse, m115EncodeRequest, rsaPublicKey } from '@ferry/protocols';
import { type P115Emulator, type P115EmulatorOptions, formatP115EmulatorJson, p115ShareLinkOf, startP115Emulator } from '../src/index.js';

const UA = 'Mozilla/5.0 115Browser/27.0.5.7';
type Json = Record<string, any>;

const started: P115Emulator[] = [];
afterAll(() => Promise.all(started.map((e) => e.close())));

async function emulator(options: P115EmulatorOptions = {}): Promise<P115Emulator> {
  const emu = await startP115Emulator({ users: ['alice', 'bob'], ...options });
  started.push(emu);
  return emu;
}

/** Fixtures of alice's drive: Films/{a.mkv, b.txt, Sub/c.bin, Empty/}, Docs/d.txt. */
const A = randomBytes(10_000);
function seed(emu: P115Emulator): void {
  emu.putFile('alice', 'Films/a.mkv', A);
  emu.putFile('alice', 'Films/b.txt', Buffer.from('hello'));
  emu.putFile('alice', 'Films/Sub/c.bin', Buffer.from('ccc'));
  const films = emu.tree('alice').folderByPath('Films')!;
  emu.tree('alice').addFolder(films, 'Empty');
  emu.putFile('alice', 'Docs/d.txt', Buffer.from('ddd'));
}

function client(emu: P115Emulator) {
  const cookieOf = (user?: 'alice' | 'bob') => (user ? emu.users.find((u) => u.name === user)!.cookie : undefined);
  /** The reply; `cdnCookie` beside it holds the cookies the reply set, as a Cookie header. */
  const get = async (path: string, params: Record<string, string>, user?: 'alice' | 'bob', ua = UA): Promise<Json> => {
    const cookie = cookieOf(user);
    const res = await fetch(`${emu.hosts.webapi}${path}?${new URLSearchParams(params)}`, { headers: { 'user-agent': ua, ...(cookie ? { cookie } : {}) } });
    expect(res.status).toBe(200);
    const json = (await res.json()) as Json;
    const set = cookieHeaderOf(res.headers.getSetCookie());
    return set ? { ...json, cdnCookie: set } : json;
  };
  const post = async (path: string, form: Record<string, string>, user?: 'alice' | 'bob'): Promise<Json> => {
    const cookie = cookieOf(user);
    const res = await fetch(`${emu.hosts.webapi}${path}`, { method: 'POST', headers: { 'user-agent': UA, ...(cookie ? { cookie } : {}) }, body: new URLSearchParams(form) });
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  };
  return {
    snap: (params: Record<string, string>, user?: 'alice' | 'bob') => get('/share/snap', params, user),
    downurl: (params: Record<string, string>, user?: 'alice' | 'bob', ua = UA) => get('/share/downurl', params, user, ua),
    receive: (form: Record<string, string>, user?: 'alice' | 'bob') => post('/share/receive', form, user),
    send: (form: Record<string, string>, user?: 'alice' | 'bob') => post('/share/send', form, user),
  };
}

/** Every item of a share folder, paged as OpenList does (offset += len(list) until count). */
async function listAll(c: ReturnType<typeof client>, share: { share_code: string; receive_code: string }, cid: string, limit: number): Promise<Json[]> {
  const out: Json[] = [];
  for (;;) {
    const page = await c.snap({ ...share, cid, offset: String(out.length), limit: String(limit) });
    expect(page['state']).toBe(true);
    out.push(...page['data']['list']);
    if (out.length >= Number(page['data']['count']) || page['data']['list'].length === 0) return out;
  }
}

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex').toUpperCase();
const is19 = (id: unknown) => typeof id === 'string' && /^\d{19}$/.test(id) && BigInt(id) > 2n ** 53n;

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('115 share links: snap', () => {
  let emu: P115Emulator;
  let c: ReturnType<typeof client>;
  let share: { share_code: string; receive_code: string };
  beforeAll(async () => {
    emu = await emulator();
    seed(emu);
    c = client(emu);
    share = emu.createShare('alice', ['/Films', '/Docs/d.txt'], { receiveCode: 'ab12' });
  });

  it('lists the root and folders with 4.4 items and all 4.3 shareinfo fields', async () => {
    expect(share.share_code).toMatch(/^sw[a-z0-9]{9}$/);
    const root = await c.snap({ ...share, cid: '0' });
    expect(root).toMatchObject({ state: true, data: { count: 2, share_state: 1 } });
    const info = root['data']['shareinfo'];
    for (const key of ['snap_id', 'file_size', 'share_title', 'share_state', 'forbid_reason', 'create_time', 'receive_code', 'receive_count', 'expire_time', 'file_category', 'auto_renewal', 'auto_fill_recvcode', 'can_report', 'can_notice', 'have_vio_file']) {
      expect(info).toHaveProperty(key);
    }
    expect(info).toMatchObject({ share_state: 1, receive_code: 'ab12', receive_count: 0, file_size: 10_000 + 5 + 3 + 3, forbid_reason: '', have_vio_file: 0, expire_time: -1 });
    expect(root['data']['userinfo']).toMatchObject({ user_id: emu.users[0]!.user_id, user_name: 'alice' });
    const [films, doc] = root['data']['list'];
    expect(films).toMatchObject({ n: 'Films', fc: 0, ico: 'folder', pid: '0' });
    expect(films).not.toHaveProperty('fid');
    expect(is19(films['cid'])).toBe(true);
    expect(doc).toMatchObject({ n: 'd.txt', fc: 1, cid: '0', s: 3, sha: sha1(Buffer.from('ddd')), ico: 'txt', uid: Number(emu.users[0]!.user_id) });
    expect(is19(doc['fid'])).toBe(true);
    expect(doc['t']).toMatch(/^\d+$/);
    // Snapshot ids are not the owner's ids.
    expect(doc['fid']).not.toBe(emu.tree('alice').nodeByPath('Docs/d.txt')!.id);

    const inside = await c.snap({ ...share, cid: films['cid'] });
    expect(inside['data']['count']).toBe(4);
    expect(inside['data']['list'].map((i: Json) => i['n'])).toEqual(['Empty', 'Sub', 'a.mkv', 'b.txt']);
    expect(inside['data']['list'][2]).toMatchObject({ fc: 1, cid: films['cid'], s: 10_000, sha: sha1(A), ico: 'mkv' });
    // `cid` empty means the root, as newer 115driver rewrites it.
    expect((await c.snap({ ...share, cid: '' }))['data']['count']).toBe(2);
  });

  it('sorts by o/asc, folders first, and pages with offset/limit; count is direct children', async () => {
    const root = await c.snap({ ...share });
    const films = root['data']['list'][0]['cid'];
    const bySizeDesc = await c.snap({ ...share, cid: films, o: 'file_size', asc: '0' });
    // Folders first; equal sizes fall back to the id (Empty was snapshotted after Sub).
    expect(bySizeDesc['data']['list'].map((i: Json) => i['n'])).toEqual(['Empty', 'Sub', 'a.mkv', 'b.txt']);
    const bySizeAsc = await c.snap({ ...share, cid: films, o: 'file_size', asc: '1' });
    expect(bySizeAsc['data']['list'].map((i: Json) => i['n'])).toEqual(['Sub', 'Empty', 'b.txt', 'a.mkv']);
    const byNameDesc = await c.snap({ ...share, cid: films, o: 'file_name', asc: '0' });
    expect(byNameDesc['data']['list'].map((i: Json) => i['n'])).toEqual(['Sub', 'Empty', 'b.txt', 'a.mkv']);
    const page = await c.snap({ ...share, cid: films, offset: '1', limit: '2' });
    expect(page['data']['count']).toBe(4);
    expect(page['data']['list'].map((i: Json) => i['n'])).toEqual(['Sub', 'a.mkv']);
    expect((await c.snap({ ...share, cid: films, offset: '10', limit: '2' }))['data']['list']).toEqual([]);
    expect(await c.snap({ ...share, cid: '1234567890123456789' })).toMatchObject({ state: false, errno: 50015 });
    const fileId = root['data']['list'][1]['fid'];
    expect(await c.snap({ ...share, cid: fileId })).toMatchObject({ state: false, errno: 50015 });
  });

  it('caps limit at 1150 and pages a big folder to the end without repeats', async () => {
    for (let i = 0; i < 1200; i++) emu.putFile('alice', `Big/f${String(i).padStart(4, '0')}`, Buffer.from([i & 0xff]));
    const big = emu.createShare('alice', ['/Big'], { receiveCode: '' });
    const folder = (await c.snap({ ...big }))['data']['list'][0]['cid'];
    const page = await c.snap({ ...big, cid: folder, limit: '5000' });
    expect(page['data']['count']).toBe(1200);
    expect(page['data']['list']).toHaveLength(1150);
    const all = await listAll(c, big, folder, 500);
    expect(new Set(all.map((i) => i['fid'])).size).toBe(1200);
    expect(all[0]!['n']).toBe('f0000');
    expect(all[1199]!['n']).toBe('f1199');
  });

  it('checks the access code: missing 4100012, wrong 4100008, owner needs none, unknown 4100026', async () => {
    const { share_code } = share;
    expect(await c.snap({ share_code })).toMatchObject({ state: false, errno: 4100012, errNo: 4100012, data: { is_access: 0 } });
    expect(await c.snap({ share_code, receive_code: '' })).toMatchObject({ errno: 4100012 });
    expect(await c.snap({ share_code, receive_code: 'zz99' })).toMatchObject({ state: false, errno: 4100008 });
    expect(await c.snap({ share_code }, 'bob')).toMatchObject({ errno: 4100012 });
    expect(await c.snap({ share_code }, 'alice')).toMatchObject({ state: true, data: { count: 2 } });
    expect(await c.snap({ share_code: share_code.toUpperCase(), receive_code: 'AB12' })).toMatchObject({ state: true });
    expect(await c.snap({ share_code: 'swnothere00', receive_code: 'ab12' })).toMatchObject({ state: false, errno: 4100026, errtype: '' });
    const open = emu.createShare('alice', ['/Docs'], { receiveCode: '' });
    expect(open.receive_code).toBe('');
    expect(await c.snap({ share_code: open.share_code })).toMatchObject({ state: true, data: { count: 1 } });
    expect(emu.createShare('alice', ['/Docs']).receive_code).toMatch(/^[a-z0-9]{4}$/);
  });

  it('emits numbers as strings per share (the AList quirk)', async () => {
    const s = emu.createShare('alice', ['/Docs/d.txt'], { receiveCode: 'qq11' });
    expect((await c.snap(s))['data']).toMatchObject({ count: 1, share_state: 1, shareinfo: { share_state: 1, receive_count: 0 }, list: [{ s: 3 }] });
    emu.setShare(s.share_code, { numbersAsStrings: true });
    const data = (await c.snap(s))['data'];
    expect(data).toMatchObject({ share_state: '1', shareinfo: { share_state: '1', receive_count: '0', file_size: '3' } });
    // 115driver and elevengo decode count, s and fc as Go ints: they never come as strings.
    expect(data).toMatchObject({ count: 1, list: [{ s: 3, fc: 1 }] });
    expect(typeof data['shareinfo']['create_time']).toBe('string');
  });

  it('keeps the snapshot when the owner edits, moves or deletes the originals', async () => {
    const f = emu.putFile('alice', 'Imm/keep.bin', Buffer.from('original'));
    const s = emu.createShare('alice', ['/Imm'], { receiveCode: 'im00' });
    const folder = (await c.snap(s))['data']['list'][0]['cid'];
    emu.putFile('alice', 'Imm/later.bin', Buffer.from('later'));
    emu.tree('alice').get(f.id)!.name = 'renamed.bin';
    emu.tree('alice').get(emu.tree('alice').folderByPath('Imm')!)!.aid = 7;
    const listed = await c.snap({ ...s, cid: folder });
    expect(listed['data']['count']).toBe(1);
    expect(listed['data']['list'][0]).toMatchObject({ n: 'keep.bin', s: 8 });
    const dl = await c.downurl({ ...s, file_id: listed['data']['list'][0]['fid'] }, 'bob');
    const body = await fetch(dl['data']['url']['url'], { headers: { 'user-agent': UA, cookie: dl['cdnCookie'] } });
    expect(await body.text()).toBe('original');
  });

  it('throttles anonymous snap per IP with the same risk control', async () => {
    emu.setRiskControl({ budget: 2, windowMs: 60_000, coolDownMs: 60_000, answer: 'errno590075' });
    try {
      expect(await c.snap(share)).toMatchObject({ state: true });
      expect(await c.snap(share)).toMatchObject({ state: true });
      expect(await c.snap(share)).toMatchObject({ state: false, errno: 590075 });
      // A logged-in caller is counted by cookie, not by IP.
      expect(await c.snap(share, 'bob')).toMatchObject({ state: true });
    } finally {
      emu.setRiskControl(undefined);
    }
  });
});

describe('115 share links: lifecycle states', () => {
  let emu: P115Emulator;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    emu = await emulator();
    seed(emu);
    c = client(emu);
  });

  it('expired: state true with share_state 7 and nothing listed; downurl and receive 4100018', async () => {
    const s = emu.createShare('alice', ['/Films'], { receiveCode: 'ex01' });
    emu.setShare(s.share_code, { state: 'expired' });
    const snap = await c.snap(s);
    expect(snap).toMatchObject({ state: true, data: { share_state: 7, shareinfo: { share_state: 7 }, count: 0, list: [] } });
    expect(await c.downurl({ ...s, file_id: '1' }, 'bob')).toMatchObject({ state: false, errno: 4100018 });
    expect(await c.receive({ ...s, file_id: '1' }, 'bob')).toMatchObject({ state: false, errno: 4100018 });
  });

  it('expired as errno 4100018 when the switch says so', async () => {
    const strict = await emulator({ share: { expiredAsErrno: true } });
    seed(strict);
    const s = strict.createShare('alice', ['/Docs'], { receiveCode: 'ex02' });
    expect(await client(strict).snap(s)).toMatchObject({ state: true });
    strict.setShare(s.share_code, { state: 'expired' });
    expect(await client(strict).snap(s)).toMatchObject({ state: false, errno: 4100018 });
  });

  it('review: strangers see share_state 0 and no items; the owner lists without a code', async () => {
    const s = emu.createShare('alice', ['/Films'], { receiveCode: 'rv01' });
    emu.setShare(s.share_code, { state: 'review' });
    expect(await c.snap(s)).toMatchObject({ state: true, data: { share_state: 0, count: 0, list: [] } });
    expect(await c.snap({ share_code: s.share_code }, 'alice')).toMatchObject({ state: true, data: { share_state: 0, count: 1 } });
    expect(await c.receive({ ...s, file_id: '1' }, 'bob')).toMatchObject({ state: false, errno: 4100009 });
  });

  it('cancelled: 4100026 by default, 4100009 when configured', async () => {
    const s = emu.createShare('alice', ['/Films'], { receiveCode: 'cn01' });
    emu.setShare(s.share_code, { state: 'cancelled' });
    expect(await c.snap(s)).toMatchObject({ state: false, errno: 4100026 });
    expect(await c.snap({ share_code: s.share_code }, 'alice')).toMatchObject({ state: false, errno: 4100026 });
    const other = await emulator({ share: { cancelledErrno: 4100009 } });
    seed(other);
    const t = other.createShare('alice', ['/Docs'], { receiveCode: 'cn02' });
    other.setShare(t.share_code, { state: 'cancelled' });
    expect(await client(other).snap(t)).toMatchObject({ state: false, errno: 4100009 });
  });

  it('banned: listed with forbid_reason and have_vio_file; downloads and receives 50038', async () => {
    const s = emu.createShare('alice', ['/Docs/d.txt'], { receiveCode: 'bn01' });
    emu.setShare(s.share_code, { state: 'banned' });
    const snap = await c.snap(s);
    expect(snap).toMatchObject({ state: true, data: { count: 1, shareinfo: { have_vio_file: 1 } } });
    expect(snap['data']['shareinfo']['forbid_reason']).not.toBe('');
    const fid = snap['data']['list'][0]['fid'];
    expect(await c.downurl({ ...s, file_id: fid }, 'bob')).toMatchObject({ state: false, errno: 50038 });
    expect(await c.receive({ ...s, file_id: fid }, 'bob')).toMatchObject({ state: false, errno: 50038 });
  });

  it('numbersAsStrings for every share when set globally', async () => {
    const strings = await emulator({ share: { numbersAsStrings: true } });
    seed(strings);
    const s = strings.createShare('alice', ['/Docs'], { receiveCode: '' });
    const sc = client(strings);
    const root = await sc.snap(s);
    expect(root['data']).toMatchObject({ count: 1, share_state: '1', shareinfo: { share_state: '1' } });
    const folder = root['data']['list'][0]['cid'];
    const file = (await sc.snap({ ...s, cid: folder }))['data']['list'][0];
    expect(file['s']).toBe(3);
    expect((await sc.downurl({ ...s, file_id: file['fid'] }, 'bob'))['data']['fs']).toBe('3');
    strings.setShare(s.share_code, { numbersAsStrings: false });
    expect((await sc.snap(s))['data']['count']).toBe(1);
  });
});

describe('115 share links: downurl', () => {
  let emu: P115Emulator;
  let c: ReturnType<typeof client>;
  let share: { share_code: string; receive_code: string };
  let aFid: string;
  let filmsCid: string;
  beforeAll(async () => {
    emu = await emulator({ share: { downurlMaxBytes: 5_000_000 } });
    seed(emu);
    c = client(emu);
    share = emu.createShare('alice', ['/Films'], { receiveCode: 'dl01' });
    filmsCid = (await c.snap(share))['data']['list'][0]['cid'];
    aFid = (await c.snap({ ...share, cid: filmsCid }))['data']['list'].find((i: Json) => i['n'] === 'a.mkv')['fid'];
  });

  it('wants a login cookie (errno 99) and the access code', async () => {
    expect(await c.downurl({ ...share, file_id: aFid })).toMatchObject({ state: false, errno: 99, error: '请重新登录' });
    expect(await c.downurl({ share_code: share.share_code, file_id: aFid }, 'bob')).toMatchObject({ errno: 4100012 });
    expect(await c.downurl({ share_code: share.share_code, file_id: aFid }, 'alice')).toMatchObject({ state: true });
  });

  it('gives a UA- and cookie-bound (f=3), expiring CDN URL with Range and HEAD', async () => {
    const reply = await c.downurl({ ...share, file_id: aFid, dl: '1' }, 'bob');
    expect(reply).toMatchObject({ state: true, data: { fid: aFid, fn: 'a.mkv', fs: 10_000, sha1: sha1(A), url: { client: 1 } } });
    const url = reply['data']['url']['url'] as string;
    expect(url.startsWith(`${emu.baseUrl}/cdn/`)).toBe(true);
    const parsed = new URL(url);
    expect(Number(parsed.searchParams.get('t'))).toBeGreaterThan(Date.now() / 1000);
    expect(parsed.searchParams.get('u')).toBe(emu.users[1]!.user_id);
    expect(parsed.searchParams.get('f')).toBe('3');
    const cookie = reply['cdnCookie'] as string;
    expect(cookie).toMatch(/^[0-9a-f]{32}=[0-9a-f]{32}$/);
    for (const key of ['url', 'client', 'desc', 'isp', 'oss_id', 'ooid']) expect(reply['data']['url']).toHaveProperty(key);
    const headers = { 'user-agent': UA, cookie };

    const full = await fetch(url, { headers });
    expect(Buffer.from(await full.arrayBuffer()).equals(A)).toBe(true);
    const ranged = await fetch(url, { headers: { ...headers, range: 'bytes=100-199' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe('bytes 100-199/10000');
    expect(Buffer.from(await ranged.arrayBuffer()).equals(A.subarray(100, 200))).toBe(true);
    expect((await fetch(url, { headers: { ...headers, range: 'bytes=10000-' } })).status).toBe(416);
    const head = await fetch(url, { method: 'HEAD', headers });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, '10000']);
    const refusedBefore = emu.cdnRefused;
    expect((await fetch(url, { headers: { ...headers, 'user-agent': 'curl/8' } })).status).toBe(403);
    expect((await fetch(url, { headers: { 'user-agent': UA } })).status).toBe(403);
    const other = (await c.downurl({ ...share, file_id: aFid }, 'bob'))['cdnCookie'] as string;
    expect(other).not.toBe(cookie);
    expect((await fetch(url, { headers: { 'user-agent': UA, cookie: other } })).status).toBe(403);
    expect(emu.cdnRefused).toBe(refusedBefore + 3);
    emu.expireUrls();
    expect((await fetch(url, { headers })).status).toBe(403);
    emu.setUrlLifetime(-1);
    const stale = await c.downurl({ ...share, file_id: aFid }, 'bob');
    expect((await fetch(stale['data']['url']['url'], { headers: { 'user-agent': UA, cookie: stale['cdnCookie'] } })).status).toBe(403);
    emu.setUrlLifetime(3600);
  });

  it('binds URLs to a cookie per kind of route: the web downurl by default, the m115 routes when switched on', async () => {
    emu.setCookieBoundUrls({ web: false });
    try {
      const plain = await c.downurl({ ...share, file_id: aFid }, 'bob');
      expect(plain['cdnCookie']).toBeUndefined();
      expect(new URL(plain['data']['url']['url']).searchParams.get('f')).toBe('1');
      expect((await fetch(plain['data']['url']['url'], { headers: { 'user-agent': UA } })).status).toBe(200);
    } finally {
      emu.setCookieBoundUrls({ web: true });
    }
    const pub = rsaPublicKey(emu.rsa_n, emu.rsa_e);
    const chrome = async (): Promise<{ url: string; cookie: string | undefined }> => {
      const pickCode = emu.tree('bob').nodeByPath('Mine/m.bin')!.pickCode;
      const req = m115EncodeRequest(JSON.stringify({ pickcode: pickCode }), pub);
      const res = await fetch(`${emu.hosts.proapi}/app/chrome/downurl`, {
        method: 'POST',
        headers: { 'user-agent': UA, cookie: emu.users[1]!.cookie },
        body: new URLSearchParams({ data: req.data }),
      });
      const reply = (await res.json()) as Json;
      const data = JSON.parse(m115DecodeResponse(reply['data'], req.key, pub).toString('utf8')) as Json;
      return { url: (Object.values(data)[0] as Json)['url']['url'], cookie: cookieHeaderOf(res.headers.getSetCookie()) };
    };
    emu.putFile('bob', 'Mine/m.bin', Buffer.from('mine'));
    const off = await chrome();
    expect([new URL(off.url).searchParams.get('f'), off.cookie]).toEqual(['1', undefined]);
    emu.setCookieBoundUrls({ app: true });
    try {
      const on = await chrome();
      expect(new URL(on.url).searchParams.get('f')).toBe('3');
      expect(on.cookie).toMatch(/^[0-9a-f]{32}=[0-9a-f]{32}$/);
      expect((await fetch(on.url, { headers: { 'user-agent': UA } })).status).toBe(403);
      expect(await (await fetch(on.url, { headers: { 'user-agent': UA, cookie: on.cookie! } })).text()).toBe('mine');
    } finally {
      emu.setCookieBoundUrls({ app: false });
    }
  });

  it('answers url:false for a folder, 50015 for an id outside the share, 50028 over the size cap', async () => {
    expect(await c.downurl({ ...share, file_id: filmsCid }, 'bob')).toMatchObject({ state: true, data: { fid: filmsCid, url: false } });
    const own = emu.tree('alice').nodeByPath('Films/a.mkv')!.id;
    expect(await c.downurl({ ...share, file_id: own }, 'bob')).toMatchObject({ state: false, errno: 50015 });
    emu.putFile('alice', 'Huge/h.bin', Buffer.alloc(5_000_001));
    const huge = emu.createShare('alice', ['/Huge/h.bin'], { receiveCode: '' });
    const fid = (await c.snap(huge))['data']['list'][0]['fid'];
    expect(await c.downurl({ ...huge, file_id: fid }, 'bob')).toMatchObject({ state: false, errno: 50028 });
  });
});

describe('115 share links: receive and send', () => {
  let emu: P115Emulator;
  let c: ReturnType<typeof client>;
  let share: { share_code: string; receive_code: string };
  let items: Record<string, Json>;
  beforeAll(async () => {
    emu = await emulator();
    seed(emu);
    c = client(emu);
    share = emu.createShare('alice', ['/Films', '/Docs/d.txt'], { receiveCode: 'rc01' });
    const root = (await c.snap(share))['data']['list'] as Json[];
    const films = (await c.snap({ ...share, cid: root[0]!['cid'] }))['data']['list'] as Json[];
    items = Object.fromEntries([...root, ...films].map((i) => [i['n'], i]));
  });

  it('wants a login and the code', async () => {
    expect(await c.receive({ ...share, file_id: items['d.txt']!['fid'] })).toMatchObject({ state: false, errno: 99 });
    expect(await c.receive({ ...share, receive_code: 'xxxx', file_id: items['d.txt']!['fid'] }, 'bob')).toMatchObject({ errno: 4100008 });
    expect(await c.receive({ ...share, file_id: items['d.txt']!['fid'], user_id: emu.users[0]!.user_id }, 'bob')).toMatchObject({ state: false, errno: 990002 });
  });

  it('deep-copies a folder into the target with fresh ids and counts the receive', async () => {
    const before = emu.shareReceives;
    const target = emu.tree('bob').addFolder('0', 'In');
    const reply = await c.receive({ ...share, file_id: items['Films']!['cid'], cid: target.id, user_id: emu.users[1]!.user_id, is_check: '0' }, 'bob');
    expect(reply).toMatchObject({ state: true, data: { receive_title: 'Films' } });
    expect(emu.shareReceives).toBe(before + 1);
    const bob = emu.tree('bob');
    const copied = bob.nodeByPath('In/Films/a.mkv')!;
    expect(copied).toMatchObject({ size: 10_000, sha1: sha1(A) });
    expect(is19(copied.id)).toBe(true);
    expect(copied.id).not.toBe(items['a.mkv']!['fid']);
    expect(bob.nodeByPath('In/Films')!.id).not.toBe(items['Films']!['cid']);
    expect(bob.nodeByPath('In/Films/Sub/c.bin')).toMatchObject({ size: 3 });
    expect(bob.nodeByPath('In/Films/Empty')).toMatchObject({ isDir: true });
    expect((await c.snap(share))['data']['shareinfo']['receive_count']).toBe(1);
  });

  it('receives files and folders by a comma list into 最近接收 when no cid is given', async () => {
    const reply = await c.receive({ ...share, file_id: `${items['d.txt']!['fid']},${items['Sub']!['cid']}` }, 'bob');
    expect(reply).toMatchObject({ state: true });
    const bob = emu.tree('bob');
    expect(bob.nodeByPath('最近接收/d.txt')).toMatchObject({ size: 3 });
    expect(bob.nodeByPath('最近接收/Sub/c.bin')).toMatchObject({ size: 3 });
    // cid 0 lands in the same folder, not a second one.
    await c.receive({ ...share, file_id: items['b.txt']!['fid'], cid: '0' }, 'bob');
    expect(bob.children('0').filter((n) => n.name === '最近接收')).toHaveLength(1);
    expect(bob.nodeByPath('最近接收/b.txt')).toBeDefined();
  });

  it('refuses a repeat into the same folder (4200045, 无需重复接收) until the copy is gone', async () => {
    const target = emu.tree('bob').addFolder('0', 'Twice');
    const form = { ...share, file_id: items['a.mkv']!['fid'], cid: target.id };
    expect(await c.receive(form, 'bob')).toMatchObject({ state: true });
    const again = await c.receive(form, 'bob');
    expect(again).toMatchObject({ state: false, errno: 4200045 });
    expect(again['error']).toContain('无需重复接收');
    const other = emu.tree('bob').addFolder('0', 'Elsewhere');
    expect(await c.receive({ ...form, cid: other.id }, 'bob')).toMatchObject({ state: true });
    emu.tree('bob').nodeByPath('Twice/a.mkv')!.aid = 7;
    expect(await c.receive(form, 'bob')).toMatchObject({ state: true });
  });

  it('refuses empty folders (51011), unknown ids (50015), missing targets (20009)', async () => {
    expect(await c.receive({ ...share, file_id: items['Empty']!['cid'] }, 'bob')).toMatchObject({ state: false, errno: 51011 });
    expect(await c.receive({ ...share, file_id: '1234567890123456789' }, 'bob')).toMatchObject({ state: false, errno: 50015 });
    expect(await c.receive({ ...share, file_id: items['b.txt']!['fid'], cid: '1234567890123456789' }, 'bob')).toMatchObject({ state: false, errno: 20009 });
    expect(await c.receive({ ...share, file_id: '' }, 'bob')).toMatchObject({ state: false, errno: 990002 });
  });

  it('the owner receives their own share without a code', async () => {
    expect(await c.receive({ share_code: share.share_code, receive_code: '', file_id: items['b.txt']!['fid'] }, 'alice')).toMatchObject({ state: true });
    expect(emu.tree('alice').nodeByPath('最近接收/b.txt')).toBeDefined();
  });

  it('send: the owner shares items of the drive; strangers list it with the code', async () => {
    const docs = emu.tree('alice').nodeByPath('Docs')!;
    const sent = await c.send({ user_id: emu.users[0]!.user_id, file_ids: docs.id, ignore_warn: '1' }, 'alice');
    expect(sent).toMatchObject({ state: true, data: { share_title: 'Docs', total_size: 3, file_count: 1, folder_count: 1, share_ex_duration: 15 } });
    const { share_code, receive_code, share_url, share_ex_time } = sent['data'];
    expect(share_code).toMatch(/^sw[a-z0-9]{9}$/);
    expect(receive_code).toMatch(/^[a-z0-9]{4}$/);
    expect(share_url).toBe(`https://115.com/s/${share_code}?password=${receive_code}`);
    expect(share_ex_time).toBeGreaterThan(Date.now() / 1000 + 14 * 86_400);
    const snap = await c.snap({ share_code, receive_code }, 'bob');
    expect(snap).toMatchObject({ state: true, data: { count: 1, shareinfo: { expire_time: share_ex_time } } });
    expect(await c.send({ file_ids: '1234567890123456789' }, 'alice')).toMatchObject({ state: false, errno: 20018 });
    expect(await c.send({ file_ids: docs.id })).toMatchObject({ state: false, errno: 99 });
  });

  it('prints shares in the --json line when asked', () => {
    const line = JSON.parse(formatP115EmulatorJson(emu, [p115ShareLinkOf(share)])) as Json;
    expect(line['shares']).toEqual([{ ...share, url: `https://115.com/s/${share.share_code}?password=${share.receive_code}` }]);
    expect(JSON.parse(formatP115EmulatorJson(emu))).not.toHaveProperty('shares');
  });
});

describe('115 share links: receive limits and delay', () => {
  it('caps the items of one receive (4100030), counted deep', async () => {
    const emu = await emulator({ share: { maxReceiveItems: 3 } });
    seed(emu);
    const c = client(emu);
    const s = emu.createShare('alice', ['/Films'], { receiveCode: '' });
    const films = (await c.snap(s))['data']['list'][0];
    // Films + a.mkv + b.txt + Sub + c.bin + Empty = 6 > 3.
    expect(await c.receive({ ...s, file_id: films['cid'] }, 'bob')).toMatchObject({ state: false, errno: 4100030 });
    const inside = (await c.snap({ ...s, cid: films['cid'] }))['data']['list'] as Json[];
    const sub = inside.find((i) => i['n'] === 'Sub')!;
    const a = inside.find((i) => i['n'] === 'a.mkv')!;
    expect(await c.receive({ ...s, file_id: `${sub['cid']},${a['fid']}` }, 'bob')).toMatchObject({ state: true });
    expect(emu.shareReceives).toBe(1);
  });

  it('lands a delayed receive later; clients poll the folder', async () => {
    const emu = await emulator({ share: { receiveDelayMs: 3000 } });
    seed(emu);
    const c = client(emu);
    const s = emu.createShare('alice', ['/Docs/d.txt'], { receiveCode: 'dy01' });
    const fid = (await c.snap(s))['data']['list'][0]['fid'];
    const target = emu.tree('bob').addFolder('0', 'Later');
    expect(await c.receive({ ...s, file_id: fid, cid: target.id }, 'bob')).toMatchObject({ state: true });
    expect(emu.tree('bob').children(target.id)).toEqual([]);
    // A second call while the first is still landing is a repeat.
    expect(await c.receive({ ...s, file_id: fid, cid: target.id }, 'bob')).toMatchObject({ errno: 4200045 });
    const landed = await waitFor(() => emu.tree('bob').nodeByPath('Later/d.txt'));
    expect(landed).toMatchObject({ size: 3 });
  });
});

/** The app variant (share notes §5.1): m115 form `data` in, m115 `data` out, with the emulator's own key. */
function appClient(emu: P115Emulator) {
  const pub = rsaPublicKey(emu.rsa_n, emu.rsa_e);
  return async (payload: Record<string, unknown>, user?: 'alice' | 'bob', ua = UA): Promise<{ reply: Json; data?: Json }> => {
    const cookie = user ? emu.users.find((u) => u.name === user)!.cookie : undefined;
    const req = m115EncodeRequest(JSON.stringify(payload), pub);
    const res = await fetch(`${emu.hosts.proapi}/app/share/downurl?t=${Math.floor(Date.now() / 1000)}`, {
      method: 'POST',
      headers: { 'user-agent': ua, accept: 'application/json;charset=UTF-8', ...(cookie ? { cookie } : {}) },
      body: new URLSearchParams({ data: req.data }),
    });
    expect(res.status).toBe(200);
    const reply = (await res.json()) as Json;
    if (reply['state'] !== true) return { reply };
    expect(typeof reply['data']).toBe('string');
    return { reply, data: JSON.parse(m115DecodeResponse(reply['data'], req.key, pub).toString('utf8')) as Json };
  };
}

const MiB = 1024 * 1024;
const CAP = 200 * MiB;

describe('115 share links: app downurl (m115) and the web cap', () => {
  let emu: P115Emulator;
  let c: ReturnType<typeof client>;
  let app: ReturnType<typeof appClient>;
  let share: { share_code: string; receive_code: string };
  let aFid: string;
  let filmsCid: string;
  let work: string;
  beforeAll(async () => {
    emu = await emulator();
    seed(emu);
    c = client(emu);
    app = appClient(emu);
    share = emu.createShare('alice', ['/Films'], { receiveCode: 'ap01' });
    filmsCid = (await c.snap(share))['data']['list'][0]['cid'];
    aFid = (await c.snap({ ...share, cid: filmsCid }))['data']['list'].find((i: Json) => i['n'] === 'a.mkv')['fid'];
    work = await fs.mkdtemp(join(tmpdir(), 'ferry-emu-share-'));
  });
  afterAll(() => fs.rm(work, { recursive: true, force: true }));

  /**
   * A shared file of `size` bytes, all zeros, without holding them: a sparse file on disk. Its
   * SHA-1 is not computed (nothing here checks it), so the node carries a stand-in.
   */
  async function bigShare(name: string, size: number, on = emu): Promise<{ share: { share_code: string; receive_code: string }; fid: string }> {
    const path = join(work, name);
    await fs.writeFile(path, '');
    await fs.truncate(path, size);
    const tree = on.tree('alice');
    tree.addFile(tree.folderByPath('Big', true)!, name, { kind: 'disk', path }, size, 'F'.repeat(40));
    const s = on.createShare('alice', [`/Big/${name}`], { receiveCode: '' });
    return { share: s, fid: (await client(on).snap(s))['data']['list'][0]['fid'] };
  }

  it('wants a login cookie (errno 99) and a decodable m115 body (990002)', async () => {
    expect((await app({ ...share, file_id: aFid })).reply).toMatchObject({ state: false, errno: 99 });
    const garbled = await fetch(`${emu.hosts.proapi}/app/share/downurl?t=1`, {
      method: 'POST',
      headers: { 'user-agent': UA, cookie: emu.users[1]!.cookie },
      body: new URLSearchParams({ data: Buffer.from('not m115').toString('base64') }),
    });
    expect(await garbled.json()).toMatchObject({ state: false, errno: 990002 });
    expect((await app({ ...share, file_id: { nested: true } }, 'bob')).reply).toMatchObject({ state: false, errno: 990002 });
  });

  it('answers the 5.2 data m115-encoded, with a UA-bound CDN URL', async () => {
    const { reply, data } = await app({ ...share, file_id: aFid }, 'bob');
    expect(reply).toMatchObject({ state: true });
    expect(data).toMatchObject({ fid: aFid, fn: 'a.mkv', fs: 10_000, sha1: sha1(A), url: { client: 1 } });
    for (const key of ['url', 'client', 'desc', 'isp', 'oss_id', 'ooid']) expect(data!['url']).toHaveProperty(key);
    const url = data!['url']['url'] as string;
    expect(url.startsWith(`${emu.baseUrl}/cdn/`)).toBe(true);
    expect(new URL(url).searchParams.get('u')).toBe(emu.users[1]!.user_id);
    expect(Buffer.from(await (await fetch(url, { headers: { 'user-agent': UA } })).arrayBuffer()).equals(A)).toBe(true);
    expect((await fetch(url, { headers: { 'user-agent': 'curl/8' } })).status).toBe(403);
  });

  it('checks codes, ids and states as the web variant does', async () => {
    expect((await app({ share_code: share.share_code, file_id: aFid }, 'bob')).reply).toMatchObject({ state: false, errno: 4100012 });
    expect((await app({ ...share, receive_code: 'zzzz', file_id: aFid }, 'bob')).reply).toMatchObject({ state: false, errno: 4100008 });
    expect((await app({ share_code: share.share_code, file_id: aFid }, 'alice')).data).toMatchObject({ fid: aFid });
    expect((await app({ share_code: 'swnosuchshare', receive_code: '', file_id: aFid }, 'bob')).reply).toMatchObject({ errno: 4100026 });
    expect((await app({ ...share, file_id: filmsCid }, 'bob')).data).toMatchObject({ fid: filmsCid, url: false });
    const own = emu.tree('alice').nodeByPath('Films/a.mkv')!.id;
    expect((await app({ ...share, file_id: own }, 'bob')).reply).toMatchObject({ state: false, errno: 50015 });

    const banned = emu.createShare('alice', ['/Docs/d.txt'], { receiveCode: 'ap02' });
    const fid = (await c.snap(banned))['data']['list'][0]['fid'];
    emu.setShare(banned.share_code, { state: 'banned', numbersAsStrings: true });
    expect((await app({ ...banned, file_id: fid }, 'bob')).reply).toMatchObject({ state: false, errno: 50038 });
    emu.setShare(banned.share_code, { state: 'expired' });
    expect((await app({ ...banned, file_id: fid }, 'bob')).reply).toMatchObject({ state: false, errno: 4100018 });
    emu.setShare(banned.share_code, { state: 'normal' });
    expect((await app({ ...banned, file_id: fid }, 'bob')).data).toMatchObject({ fs: '3' });
  });

  it('caps the web variant at 200 MiB by default (50028); the app variant serves the file', async () => {
    const at = await bigShare('at-cap.bin', CAP);
    expect(await c.downurl({ ...at.share, file_id: at.fid }, 'bob')).toMatchObject({ state: true, data: { fs: CAP } });
    const over = await bigShare('over-cap.bin', CAP + 1);
    const calls = emu.shareDownurls;
    expect(await c.downurl({ ...over.share, file_id: over.fid }, 'bob')).toMatchObject({ state: false, errno: 50028 });
    const { data } = await app({ ...over.share, file_id: over.fid }, 'bob');
    expect(emu.shareDownurls).toEqual({ web: calls.web + 1, app: calls.app + 1 });
    expect(data).toMatchObject({ fid: over.fid, fs: CAP + 1 });
    const tail = await fetch(data!['url']['url'], { headers: { 'user-agent': UA, range: `bytes=${CAP - 3}-${CAP}` } });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(`bytes ${CAP - 3}-${CAP}/${CAP + 1}`);
    expect(Buffer.from(await tail.arrayBuffer()).equals(Buffer.alloc(4))).toBe(true);
  });

  it('downurlMaxBytes: false lifts the web cap', async () => {
    const open = await emulator({ share: { downurlMaxBytes: false } });
    const big = await bigShare('uncapped.bin', CAP + 1, open);
    expect(await client(open).downurl({ ...big.share, file_id: big.fid }, 'bob')).toMatchObject({ state: true, data: { fs: CAP + 1 } });
  });
});
