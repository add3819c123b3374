import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { MemoryPacerStore, type PacerStore, effectiveRate } from '@ferry/core';
import { type AliyunOpenEmulator, p115EmulatorOptions, startAliyunOpenEmulator, startP115Emulator } from '@ferry/emulators';
import { AliyunOpenProvider, P115Provider, aliyunOpenOptions, p115Options } from '@ferry/providers';
import { type FerryQueues, followTransfer, openQueues, submitTransfer } from '../src/index.js';
import { RedisPacerStore } from '../src/redis-pacer-store.js';
import { REDIS_URL, dropPrefix, makeTree, tempDir, uniquePrefix, cleanupAfterEach } from './helpers.js';
import { workersOnConfig } from './processes.js';

const cleanups = cleanupAfterEach();

/** Two connections under one fresh prefix: two worker processes of one deployment. */
async function twoProcesses(): Promise<[FerryQueues, FerryQueues]> {
  const prefix = uniquePrefix();
  const a = await openQueues(REDIS_URL, prefix);
  const b = await openQueues(REDIS_URL, prefix);
  cleanups.push(async () => {
    for (const q of [a, b]) {
      await q.close();
      q.redis.disconnect();
    }
    await dropPrefix(REDIS_URL, prefix);
  });
  return [a, b];
}

/** The same asks of a store: a burst, a refusal without queueing, queued slots, a pause, another account. */
async function asks(store: PacerStore): Promise<number[]> {
  const rate = { perSecond: 0.5, burst: 2 };
  const replies: number[] = [];
  for (let i = 0; i < 2; i++) replies.push(await store.reserve('acct', 'list', rate, true));
  replies.push(await store.reserve('acct', 'list', rate, false));
  for (let i = 0; i < 2; i++) replies.push(await store.reserve('acct', 'list', rate, true));
  await store.pause('acct', 60_000);
  replies.push(await store.reserve('acct', 'list', rate, true));
  replies.push(await store.reserve('acct', 'unpaced', { perSecond: 0, burst: 1 }, true));
  replies.push(await store.reserve('other', 'list', rate, true));
  return replies;
}

it('the Redis store answers as the memory store does: burst, refusal, queued slots, pause', async () => {
  const [queues, other] = await twoProcesses();
  const memory = await asks(new MemoryPacerStore());
  // Asked through two connections in turn: two processes spend one budget.
  const a = new RedisPacerStore(queues.redis, queues.keys);
  const b = new RedisPacerStore(other.redis, other.keys);
  let turn = 0;
  const redis = await asks({ shared: true, reserve: (...args) => (turn++ % 2 ? b : a).reserve(...args), pause: (...args) => b.pause(...args) });
  for (const replies of [memory, redis]) {
    expect(replies.slice(0, 2)).toEqual([0, 0]);
    // Refused without queueing: nothing reserved, so the next queued slot is the first one out.
    expect(replies[2]).toBeGreaterThan(0);
    expect(replies[3]).toBeLessThan(0);
    expect(-replies[3]!).toBeLessThanOrEqual(2000);
    expect(-replies[4]!).toBeGreaterThan(-replies[3]!);
    // The pause holds every class of the account, paced or not, and no other account.
    expect(replies[5]).toBeGreaterThan(30_000);
    expect(replies[6]).toBeGreaterThan(30_000);
    expect(replies[7]).toBe(0);
  }
  // Same arithmetic: the waits differ only by the milliseconds between the two runs' asks.
  memory.forEach((m, i) => expect(Math.abs(m - redis[i]!)).toBeLessThan(1000));
});

it('two remotes on one 115 cookie are one account: one request budget, one job budget, one pause', async () => {
  const [queues, other] = await twoProcesses();
  const emulator = await startP115Emulator();
  cleanups.push(() => emulator.close());
  const options = p115Options.parse({ cookie: emulator.users[0]!.cookie, ...p115EmulatorOptions(emulator), qps: 0.5 });
  // In two processes, under two names.
  const a = new P115Provider('first115', options, { pacing: queues.pacing });
  const b = new P115Provider('second115', options, { pacing: other.pacing });
  const account = await a.pacingAccount();
  expect(await b.pacingAccount()).toBe(account);
  const api = effectiveRate(a.api.pacer.classes.api!, true);
  // first115 spends the account's one-call burst; second115's next call queues behind it.
  await a.api.pacer.take('api');
  expect(await other.pacing.reserve(account, 'api', api, true)).toBeLessThan(0);
  // Files started per second: each remote limited to one, both spending the account's bucket.
  await queues.limiter.setLimit('first115', 1);
  await queues.limiter.setLimit('second115', 1);
  expect(await queues.limiter.take({ remote: 'first115', account })).toBe(0);
  expect(await other.limiter.take({ remote: 'second115', account })).toBeGreaterThan(0);
  // Risk control seen by first115 holds second115's requests and jobs in the other process.
  await a.api.pacer.pause(60_000);
  expect(await other.pacing.reserve(account, 'api', api, true)).toBeGreaterThan(30_000);
  expect(await other.limiter.take({ remote: 'second115', account })).toBeGreaterThan(30_000);
  await Promise.all([a.close(), b.close()]);
});

it('two Aliyun remotes of one user share one account once getDriveInfo named the user', async () => {
  const [queues] = await twoProcesses();
  const emulator: AliyunOpenEmulator = await startAliyunOpenEmulator({ rateLimits: false });
  cleanups.push(() => emulator.close());
  const remote = (name: string) =>
    new AliyunOpenProvider(
      name,
      aliyunOpenOptions.parse({ refresh_token: emulator.issueRefreshToken(), client_id: emulator.client_id, client_secret: emulator.client_secret, endpoint: emulator.base }),
      { pacing: queues.pacing },
    );
  const [a, b] = [remote('ali1'), remote('ali2')];
  const account = await a.pacingAccount();
  expect(account).toMatch(/^aliyun-open@/);
  expect(await b.pacingAccount()).toBe(account);
});

it('two worker processes on one Aliyun account stay within its documented request rates together', async () => {
  const dir = tempDir('shared-gate');
  const src = join(dir, 'src');
  mkdirSync(src);
  const rels = makeTree(src, 90, 30);
  // The emulator answers 429 over the documented per-second rates (15/s for file calls).
  const emulator: AliyunOpenEmulator = await startAliyunOpenEmulator();
  const ali = {
    type: 'aliyun-open',
    refresh_token: emulator.issueRefreshToken(),
    client_id: emulator.client_id,
    client_secret: emulator.client_secret,
    endpoint: emulator.base,
  };
  const { queues } = await workersOnConfig(cleanups, dir, { ali }, 2, () => emulator.close());
  const { id } = await submitTransfer(queues, {
    mode: 'copy', source: src, target: 'ali:/dst', deleteExtraneous: false, compare: 'default', onConflict: 'overwrite', include: [], exclude: [], retries: 3,
  });
  const summary = await followTransfer(queues, id, () => {});
  expect(summary).toMatchObject({ state: 'done', copied: rels.length, failed: 0 });
  // Each process alone keeps under the rates; only a budget shared through Redis keeps both under.
  expect(emulator.stats.throttled).toBe(0);
});

it('two worker processes on one 115 account keep to its qps together, so risk control never trips', async () => {
  const dir = tempDir('shared-gate-115');
  const dst = join(dir, 'dst');
  mkdirSync(dst);
  const emulator = await startP115Emulator();
  for (let i = 0; i < 80; i++) emulator.putFile('alice', `lib/d${i % 4}/f${i}.txt`, Buffer.from(`file ${i}\n`));
  // 10 calls a second for the account; one process alone never exceeds 20 in a second's window.
  emulator.setRiskControl({ budget: 24, windowMs: 1000, coolDownMs: 2000, answer: 'errno590075' });
  const my115 = {
    type: 'p115',
    cookie: emulator.users[0]!.cookie,
    webapi_url: emulator.hosts.webapi,
    proapi_url: emulator.hosts.proapi,
    rsa_n: emulator.rsa_n,
    rsa_e: emulator.rsa_e,
    qps: 10,
    backoff_ms: 200,
  };
  const { queues } = await workersOnConfig(cleanups, dir, { my115 }, 2, () => emulator.close());
  const { id } = await submitTransfer(queues, {
    mode: 'copy', source: 'my115:/lib', target: dst, deleteExtraneous: false, compare: 'default', onConflict: 'overwrite', include: [], exclude: [], retries: 5,
  });
  const summary = await followTransfer(queues, id, () => {});
  expect(summary).toMatchObject({ state: 'done', copied: 80, failed: 0 });
  expect(emulator.blockedRequests).toBe(0);
});
