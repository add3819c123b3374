import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { openQueues, openRedis } from '@ferry/worker';
import { ferry, finished, startFerry, waitFor } from './helpers.js';
import { REDIS_URL } from './queue-sandbox.js';
import { type ServeScenario, startServeScenario } from './serve-scenario.js';

let s: ServeScenario;
/** Every answer of the scenario, headers and body, scanned for secrets at the end. */
const answers: string[] = [];

interface Call {
  method?: string;
  body?: unknown;
  token?: string | null;
  origin?: string;
  cookie?: string;
  contentType?: string;
}

async function call(path: string, options: Call = {}): Promise<{ status: number; json: any; headers: Headers }> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? s.token : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.origin) headers.origin = options.origin;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const res = await fetch(`${s.base}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    redirect: 'manual',
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  answers.push(`${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${text}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = await fn();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  s = await startServeScenario();
});
afterAll(async () => {
  await s?.stop();
});

describe('ferry serve: security', () => {
  it('answers 401 to API calls without the token or with a wrong one, in JSON', async () => {
    for (const [path, method] of [
      ['/api/transfers', 'GET'],
      ['/api/remotes', 'GET'],
      ['/api/workers', 'GET'],
      ['/api/live', 'GET'],
      ['/api/schedules', 'POST'],
      ['/api/transfers', 'POST'],
    ] as const) {
      const none = await call(path, { method, token: null, ...(method === 'POST' ? { body: {} } : {}) });
      expect(none.status, `${method} ${path}`).toBe(401);
      expect(none.json.error).toMatch(/token/);
      const wrong = await call(path, { method, token: 'not-the-token-at-all', ...(method === 'POST' ? { body: {} } : {}) });
      expect(wrong.status).toBe(401);
    }
  });

  it('refuses a change of state from another origin (403), and a cookie without an Origin', async () => {
    const foreign = await call('/api/transfers', { body: { mode: 'copy', source: 'my115:/Films', target: 'ali:/x' }, origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.json.error).toMatch(/dashboard itself/);
    const cookie = `ferry_session=${s.token}`;
    const bare = await call('/api/schedules', { token: null, cookie, body: { name: 'x', cron: '* * * * *', mode: 'copy', source: 'my115:/Films', target: 'ali:/x' } });
    expect(bare.status).toBe(403);
    const form = await call('/api/transfers', { body: {}, contentType: 'text/plain' });
    expect(form.status).toBe(415);
    expect((await call('/api/schedules', { method: 'GET', token: null, cookie })).status).toBe(200);
    expect((await call('/api/schedules', { method: 'GET' })).json.schedules).toEqual([]);
  });

  it('the token URL sets an HttpOnly SameSite=Strict cookie and leaves the address; the page has a strict CSP', async () => {
    const login = await call(`/?token=${encodeURIComponent(s.token)}`, { token: null });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/');
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const wrong = await call('/?token=wrong', { token: null });
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const page = await call('/', { token: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
  });

  it('on any address the token stays required; --token-file keeps it; a bad --addr is a usage error', async () => {
    const bad = await ferry(['serve', '--addr', 'nonsense:port'], s.box);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);

    const file = join(s.box.dir, 'token');
    await fs.writeFile(file, 'a-fixed-token-of-some-length\n');
    const wide = startFerry(['serve', '--addr', '0.0.0.0:0', '--token-file', file], s.box);
    const done = finished(wide);
    try {
      const url = new URL((await waitFor(wide.stdout!, /(http:\/\/\S+)\n/))[1]!);
      expect(url.searchParams.get('token')).toBe('a-fixed-token-of-some-length');
      const base = `http://127.0.0.1:${url.port}`;
      expect((await fetch(`${base}/api/transfers`)).status).toBe(401);
      expect((await fetch(`${base}/api/transfers`, { headers: { 'x-ferry-token': 'a-fixed-token-of-some-length' } })).status).toBe(200);
    } finally {
      wide.kill('SIGTERM');
      expect((await done).code).toBe(0);
    }
  });
});

describe('ferry serve: the API over the queue', () => {
  it('lists remotes by name and type only', async () => {
    const { json } = await call('/api/remotes');
    expect(json).toEqual({ remotes: [{ name: 'ali', type: 'aliyun-open' }, { name: 'my115', type: 'p115' }] });
  });

  it('submits a copy, refuses bad ones with their reason, and cancels a queued one', async () => {
    expect((await call('/api/transfers', { body: { mode: 'copy', source: 'nope:/x', target: 'ali:/x' } })).status).toBe(400);
    const local = await call('/api/transfers', { body: { mode: 'copy', source: 'relative/dir', target: 'ali:/x' } });
    expect(local.status).toBe(400);
    expect(local.json.error).toMatch(/absolute/);
    expect((await call('/api/transfers', { body: { mode: 'copy', source: 'my115:/Films', target: 'ali:/x', delete: true } })).json.error).toMatch(/sync only/);

    // No worker runs yet: the transfer stays queued until cancelled.
    const sub = await call('/api/transfers', { body: { mode: 'copy', source: 'my115:/Films', target: 'ali:/Cancelled' } });
    expect(sub.status).toBe(201);
    const id = sub.json.id as string;
    expect((await call('/api/transfers')).json.transfers.map((t: { id: string }) => t.id)).toContain(id);
    const cancel = await call(`/api/transfers/${id}/cancel`, { method: 'POST' });
    expect(cancel.json).toEqual({ id, cancelled: true });
    expect((await call(`/api/transfers/${id}`)).status).toBe(404);
    const listed = (await call('/api/transfers')).json.transfers.find((t: { id: string }) => t.id === id);
    expect(listed).toMatchObject({ state: 'cancelled', spec: { source: 'my115:/Films', target: 'ali:/Cancelled' } });
    expect((await ferry(['jobs', 'list'], s.box)).stdout).toMatch(new RegExp(`^${id}\\s+cancelled\\s`, 'm'));
    expect((await call(`/api/transfers/${id}/cancel`, { method: 'POST' })).status).toBe(404);
  });

  it('runs a 115 -> Aliyun copy on the worker: done, with the rapid and streamed counts `ferry jobs show` gives', async () => {
    s.startWorker();
    const workers = await until('a live worker', async () => {
      const { json } = await call('/api/workers');
      return json.workers.length > 0 ? json : undefined;
    });
    expect(workers.unserved).toEqual([]);
    expect(workers.workers[0].queues).toEqual(['transfers', 'files']);
    // A pause as a worker sets it after a 429 or 115's risk control.
    const queues = await openQueues(REDIS_URL, s.box.env.FERRY_PREFIX!);
    try {
      await queues.limiter.pause('my115', 60_000);
    } finally {
      await queues.close();
      queues.redis.disconnect();
    }
    const paused = (await call('/api/workers')).json.paused;
    expect(paused).toEqual([expect.objectContaining({ name: 'my115', kind: 'rate-limit' })]);
    expect(paused[0].until).toBeGreaterThan(Date.now() + 30_000);
    await (async () => {
      const redis = openRedis(REDIS_URL);
      await redis.del(`${s.box.env.FERRY_PREFIX}:ferry:pause:my115`);
      redis.disconnect();
    })();
    const sub = await call('/api/transfers', { body: { mode: 'copy', source: 'my115:/Films', target: 'ali:/Films' } });
    const id = sub.json.id as string;
    const shown = await until('the copy to finish', async () => {
      const { json } = await call(`/api/transfers/${id}`);
      return json.info.state === 'done' ? json : undefined;
    });
    expect(shown.info.summary).toMatchObject({ rapid: 1, copied: 1, failed: 0 });
    expect(shown.outcomes).toMatchObject({ rapid: 1, copied: 1, rapidBytes: 400_000 });
    expect(shown.files.map((f: { rel: string; state: string }) => `${f.rel}:${f.state}`).sort()).toEqual(['rapid.bin:rapid', 'streamed.bin:copied']);
    const cli = JSON.parse((await ferry(['jobs', 'show', id, '--json'], s.box)).stdout) as { summary: { rapid: number; copied: number } };
    expect(cli.summary.rapid).toBe(shown.info.summary.rapid);
    expect(cli.summary.copied).toBe(shown.info.summary.copied);

    const events = await fetch(`${s.base}/api/transfers/${id}/events`, { headers: { authorization: `Bearer ${s.token}` } });
    expect(events.headers.get('content-type')).toMatch(/text\/event-stream/);
    const stream = await events.text();
    answers.push(stream);
    expect(stream).toContain('event: run');
    expect(stream).toContain('"outcome":"rapid"');
    expect(stream).toContain('event: end');

    const retry = await call(`/api/transfers/${id}/retry`, { method: 'POST' });
    expect(retry.status).toBe(201);
    expect(retry.json.id).not.toBe(id);
  });

  it('adds, validates, runs now, lists with the last run, and removes a schedule', async () => {
    const bad = [
      [{ name: 'bad name!', cron: '0 * * * *', mode: 'copy' }, /schedule names/],
      [{ name: 'films', cron: 'every tuesday', mode: 'copy' }, /invalid cron/],
      [{ name: 'films', cron: '0 * * * *', mode: 'move' }, /mode/],
      [{ name: 'films', cron: '0 * * * *', mode: 'copy', delete: true }, /sync only/],
      [{ name: 'films', cron: '0 * * * *', mode: 'copy', target: 'nowhere:/x' }, /nowhere/],
    ] as const;
    for (const [fields, reason] of bad) {
      const r = await call('/api/schedules', { body: { source: 'my115:/Films', target: 'ali:/Sched', ...fields } });
      expect(r.status, JSON.stringify(fields)).toBe(400);
      expect(r.json.error).toMatch(reason);
    }
    const added = await call('/api/schedules', { body: { name: 'films', cron: '0 3 * * *', mode: 'sync', source: 'my115:/Films', target: 'ali:/Sched' } });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ name: 'films', cron: '0 3 * * *' });
    const run = await call('/api/schedules/films/run', { method: 'POST' });
    expect(run.status).toBe(201);
    const last = await until('the schedule run to finish', async () => {
      const { json } = await call('/api/schedules');
      const films = json.schedules.find((x: { name: string }) => x.name === 'films');
      return films?.lastRun?.state === 'done' ? films : undefined;
    });
    expect(last.lastRun.id).toBe(run.json.id);
    expect(last.next).toBeGreaterThan(Date.now());
    expect((await call('/api/schedules/films', { method: 'DELETE' })).json).toEqual({ name: 'films', removed: true });
    expect((await call('/api/schedules/films', { method: 'DELETE' })).status).toBe(404);
  });

  it('checks share links one by one and imports the readable ones, each dead one with its reason', async () => {
    const links = [s.liveLink, s.expiredLink, 'not a link'];
    const check = await call('/api/share-links/check', { body: { links, target: 'ali:/Shares' } });
    expect(check.json.links.map((l: { status: string; reason?: string }) => `${l.status}:${l.reason ?? ''}`)).toEqual(['ok:', 'dead:expired', 'malformed:malformed']);
    const imported = await call('/api/imports', { body: { links: links.slice(0, 2), target: 'ali:/Shares' } });
    expect(imported.status).toBe(201);
    const [good, dead] = imported.json.links;
    expect(dead).toMatchObject({ status: 'dead', reason: 'expired' });
    expect(dead.id).toBeUndefined();
    await until('the import to finish', async () => {
      const { json } = await call(`/api/transfers/${good.id}`);
      return json.info.state === 'done' ? json : undefined;
    });
    expect(s.ali.names('/Shares/Films')?.sort()).toEqual(['rapid.bin', 'streamed.bin']);
  });

  it('no answer of the whole scenario holds a configured secret', async () => {
    const live = await fetch(`${s.base}/api/live`, { headers: { authorization: `Bearer ${s.token}` } });
    const reader = live.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(first).toContain('event: snapshot');
    answers.push(first);
    for (const page of ['/', '/app.js', '/app.css']) await call(page, { token: null });
    expect(answers.length).toBeGreaterThan(40);
    // The refresh token rotated while the worker ran: the config's latest one counts too.
    const config = JSON.parse(await fs.readFile(s.box.env.FERRY_CONFIG!, 'utf8')) as { remotes: Record<string, Record<string, string>> };
    const latest = Object.values(config.remotes).flatMap((r) => [r.cookie, r.refresh_token, r.client_secret]).filter((v): v is string => !!v);
    expect(latest.length).toBe(3);
    for (const secret of new Set([...s.secrets, ...latest])) for (const a of answers) expect(a.includes(secret), `a secret in: ${a.slice(0, 200)}`).toBe(false);
  });
});
