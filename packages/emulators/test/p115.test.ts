import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { m115DecodeResponse, m115EncodeRequest, rsaPublicKey } from '@ferry/protocols';
import { type P115Emulator, formatP115EmulatorJson, startP115Emulator } from '../src/index.js';

let emu: P115Emulator;
let cookie: string;
const UA = 'Mozilla/5.0 test';

beforeAll(async () => {
  emu = await startP115Emulator({ users: ['alice', 'bob'] });
  cookie = emu.users[0]!.cookie;
});
afterAll(() => emu.close());

async function api(host: keyof P115Emulator['hosts'], path: string, form?: Record<string, string>, headers: Record<string, string> = {}): Promise<Record<string, any>> {
  const res = await fetch(`${emu.hosts[host]}${path}`, {
    method: form ? 'POST' : 'GET',
    headers: { cookie, 'user-agent': UA, ...headers },
    ...(form ? { body: new URLSearchParams(form) } : {}),
  });
  return (await res.json()) as Record<string, any>;
}

async function downloadUrl(pickCode: string, ua = UA): Promise<string> {
  const pub = rsaPublicKey(emu.rsa_n, emu.rsa_e);
  const req = m115EncodeRequest(JSON.stringify({ pickcode: pickCode }), pub);
  const reply = await api('proapi', '/app/chrome/downurl', { data: req.data }, { 'user-agent': ua });
  expect(reply['state']).toBe(true);
  const plain = JSON.parse(m115DecodeResponse(reply['data'], req.key, pub).toString()) as Record<string, { url: { url: string } }>;
  return Object.values(plain)[0]!.url.url;
}

describe('115 emulator', () => {
  it('prints the --json line with hosts, users and keys', () => {
    const line = JSON.parse(formatP115EmulatorJson(emu)) as Record<string, any>;
    expect(Object.keys(line).sort()).toEqual(['ecdh_pub', 'hosts', 'oss_connect', 'rsa_e', 'rsa_n', 'users']);
    expect(line['oss_connect']).toBe(`127.0.0.1:${new URL(emu.baseUrl).port}`);
    expect(line['hosts']).toMatchObject({ webapi: `${emu.baseUrl}/webapi`, cdn: `${emu.baseUrl}/cdn`, uplb: `${emu.baseUrl}/uplb` });
    expect(line['users'][0]).toMatchObject({ name: 'alice', root_cid: '0' });
    expect(line['rsa_n']).toMatch(/^[0-9a-f]{256}$/);
    expect(line['ecdh_pub']).toMatch(/^[0-9a-f]{112}$/);
  });

  it('wants a full, issued cookie', async () => {
    expect(await api('webapi', '/files', undefined, { cookie: '' })).toMatchObject({ state: false, errno: 99 });
    expect(await api('webapi', '/files', undefined, { cookie: `${cookie.replace(/SEID=\w+/, 'SEID=forged')}` })).toMatchObject({ errno: 99 });
    const old = emu.login('bob', 'qandroid');
    emu.login('bob', 'qandroid');
    expect(await api('webapi', '/files', undefined, { cookie: old })).toMatchObject({ state: false, errno: 990001 });
    expect(await fetch(`${emu.hosts.my}/?ct=guide&ac=status`, { headers: { cookie } }).then((r) => r.json())).toEqual({ state: true });
  });

  it('lists with 115 paging: clamps limit to 1150, serves unknown cids as the root, getid 0 when missing', async () => {
    for (let i = 0; i < 1200; i++) emu.putFile('alice', `big/f${i}`, Buffer.from([i & 0xff]));
    const cid = (await api('webapi', '/files/getid?path=big'))['id'] as string;
    expect(cid).toMatch(/^\d{19}$/);
    const page = await api('webapi', `/files?cid=${cid}&limit=5000&offset=0`);
    expect(page).toMatchObject({ state: true, cid, count: 1200, limit: 1150 });
    expect(page['data']).toHaveLength(1150);
    expect((await api('webapi', `/files?cid=${cid}&limit=1150&offset=1150`))['data']).toHaveLength(50);
    expect(await api('webapi', '/files?cid=1234567890123456789')).toMatchObject({ cid: '0' });
    expect(await api('webapi', '/files/getid?path=big/nope')).toMatchObject({ state: true, id: 0 });
    const file = page['data'][0];
    expect(file).toMatchObject({ cid, n: 'f0', sha: createHash('sha1').update(Buffer.from([0])).digest('hex').toUpperCase() });
    expect(file['fid']).toMatch(/^\d{19}$/);
    expect(await api('webapi', `/files/get_info?file_id=${file['fid']}`)).toMatchObject({ state: true, data: [{ fid: file['fid'] }] });
  });

  it('keeps files of one name side by side, each with its own id, as uploads and offline downloads leave them', async () => {
    const first = emu.putFile('alice', 'twice/notes.md', Buffer.from('one'));
    const second = emu.putFile('alice', 'twice/notes.md', Buffer.from('the other'));
    const cid = (await api('webapi', '/files/getid?path=twice'))['id'] as string;
    const page = await api('webapi', `/files?cid=${cid}&limit=100&offset=0`);
    expect(page['count']).toBe(2);
    const listed = (page['data'] as { n: string; fid: string; s: number | string }[]).map((f) => [f.n, f.fid, Number(f.s)]);
    expect(listed.sort()).toEqual([['notes.md', first.id, 3], ['notes.md', second.id, 9]].sort());
  });

  it('does file operations with 115\'s error codes', async () => {
    const made = await api('webapi', '/files/add', { pid: '0', cname: 'ops' });
    expect(made).toMatchObject({ state: true, cid: made['file_id'] });
    expect(await api('webapi', '/files/add', { pid: '0', cname: 'ops' })).toMatchObject({ state: false, errno: 20004 });
    expect(await api('webapi', '/files/add', { pid: '0', cname: 'a<b' })).toMatchObject({ errno: 20003 });
    const sub = (await api('webapi', '/files/add', { pid: made['cid'], cname: 'sub' }))['cid'];
    expect(await api('webapi', '/files/move', { pid: sub, 'fid[0]': made['cid'] })).toMatchObject({ errno: 800006 });
    expect(await api('webapi', '/files/copy', { pid: sub, 'fid[0]': made['cid'] })).toMatchObject({ errno: 91002 });
    const f = emu.putFile('alice', 'ops/x.txt', Buffer.from('x'));
    expect(await api('webapi', '/files/copy', { pid: sub, 'fid[0]': f.id })).toMatchObject({ state: true });
    expect(await api('webapi', '/files/batch_rename', { [`files_new_name[${f.id}]`]: 'y.txt' })).toMatchObject({ state: true });
    expect(emu.tree('alice').nodeByPath('ops/y.txt')?.id).toBe(f.id);
    expect(await api('webapi', '/rb/delete', { fid: `${f.id},${sub}` })).toMatchObject({ state: true });
    expect(await api('webapi', `/files/get_info?file_id=${f.id}`)).toMatchObject({ state: false });
    expect(emu.tree('alice').get(f.id)?.aid).toBe(7);
  });

  it('serves downloads with Range, HEAD, 416, and refuses expired or UA-mismatched URLs', async () => {
    const data = randomBytes(10_000);
    const node = emu.putFile('alice', 'dl/d.bin', data);
    const url = await downloadUrl(node.pickCode);
    expect(new URL(url).searchParams.get('f')).toBe('1');
    const ranged = await fetch(url, { headers: { 'user-agent': UA, range: 'bytes=100-199' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe('bytes 100-199/10000');
    expect(Buffer.from(await ranged.arrayBuffer()).equals(data.subarray(100, 200))).toBe(true);
    const suffix = await fetch(url, { headers: { 'user-agent': UA, range: 'bytes=-10' } });
    expect(Buffer.from(await suffix.arrayBuffer()).equals(data.subarray(9990))).toBe(true);
    expect((await fetch(url, { headers: { 'user-agent': UA, range: 'bytes=10000-' } })).status).toBe(416);
    const head = await fetch(url, { method: 'HEAD', headers: { 'user-agent': UA } });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, '10000']);
    expect((await fetch(url, { headers: { 'user-agent': 'other' } })).status).toBe(403);
    const tampered = url.replace(/t=(\d+)/, (_, t: string) => `t=${Number(t) + 1000}`);
    expect((await fetch(tampered, { headers: { 'user-agent': UA } })).status).toBe(403);
    emu.expireUrls();
    expect((await fetch(url, { headers: { 'user-agent': UA } })).status).toBe(403);
    const before = emu.cdnBytesServed;
    const fresh = await downloadUrl(node.pickCode);
    expect(Buffer.from(await (await fetch(fresh, { headers: { 'user-agent': UA } })).arrayBuffer()).equals(data)).toBe(true);
    expect(emu.cdnBytesServed - before).toBe(10_000);
    emu.setUrlLifetime(-1);
    expect((await fetch(await downloadUrl(node.pickCode), { headers: { 'user-agent': UA } })).status).toBe(403);
    emu.setUrlLifetime(3600);
  });

  it('answers a missing pick code with 50003 and a bad envelope with 990002', async () => {
    const pub = rsaPublicKey(emu.rsa_n, emu.rsa_e);
    const req = m115EncodeRequest(JSON.stringify({ pickcode: 'nope' }), pub);
    expect(await api('proapi', '/app/chrome/downurl', { data: req.data })).toMatchObject({ state: false, errno: 50003 });
    const wrongKey = m115EncodeRequest(JSON.stringify({ pickcode: 'nope' }), rsaPublicKey());
    expect(await api('proapi', '/app/chrome/downurl', { data: wrongKey.data })).toMatchObject({ state: false, errno: 990002 });
  });

  it('injects 5xx answers and drops connections mid-body', async () => {
    emu.injectFault({ kind: 'http5xx', status: 503, pathPrefix: '/webapi/files', times: 1 });
    expect((await fetch(`${emu.hosts.webapi}/files`, { headers: { cookie } })).status).toBe(503);
    expect((await fetch(`${emu.hosts.webapi}/files`, { headers: { cookie } })).status).toBe(200);
    const node = emu.putFile('alice', 'dl/drop.bin', randomBytes(2_000_000));
    const url = await downloadUrl(node.pickCode);
    emu.injectFault({ kind: 'drop', afterBytes: 1000, times: 1 });
    await expect(fetch(url, { headers: { 'user-agent': UA } }).then((r) => r.arrayBuffer())).rejects.toThrow();
  });

  it('risk control answers the WAF page with HTTP 405 until the cool-down passes', async () => {
    emu.setRiskControl({ budget: 2, windowMs: 60_000, coolDownMs: 60_000, answer: 'waf405' });
    await api('webapi', '/files');
    await api('webapi', '/files');
    const blocked = await fetch(`${emu.hosts.webapi}/files`, { headers: { cookie } });
    expect(blocked.status).toBe(405);
    // The shape AlistGo/alist #7191 and #7367 quote from the real page.
    expect(await blocked.text()).toMatch(/<html lang="zh-cn">[\s\S]*<meta name="data-spm" content="a3c0e">[\s\S]*<title>405<\/title>/);
    emu.setRiskControl({ budget: 2, windowMs: 60_000, coolDownMs: 0, answer: 'errno590075' });
    await api('webapi', '/files');
    await api('webapi', '/files');
    expect(await api('webapi', '/files')).toMatchObject({ state: false, errno: 590075 });
    expect(await api('webapi', '/files')).toMatchObject({ state: true });
    emu.setRiskControl(undefined);
  });
});
