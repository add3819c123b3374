import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { type AliyunEmulator, aliyunEmulatorOptions, p115EmulatorOptions, startAliyunEmulator, start115Emulator } from '@ferry/emulators';
import { followTransfer, openQueues, submitTransfer } from '../src/index.js';
import { RedisRequestGate } from '../src/request-gate.js';
import { REDIS_URL, dropPrefix, makeTree, tempDir, uniquePrefix, cleanupAfterEach } from './helpers.js';
import { workersOnConfig } from './processes.js';

const cleanups = cleanupAfterEach();

it('the shared gate hands out a burst of half the rate, then reserves slots further and further out; a pause holds it', async () => {
  const prefix = uniquePrefix();
  const queues = await openQueues(REDIS_URL, prefix);
  cleanups.push(async () => {
    await queues.close();
    queues.redis.disconnect();
    await dropPrefix(REDIS_URL, prefix);
  });
  // Two gates on two connections: two processes, one budget.
  const a = new RedisRequestGate(queues.redis, queues.keys);
  const other = await openQueues(REDIS_URL, prefix);
  cleanups.push(async () => {
    await other.close();
    other.redis.disconnect();
  });
  const b = new RedisRequestGate(other.redis, other.keys);
  const replies: number[] = [];
  // At 4 per second: a burst of half a second's worth, then slots about 250, 500, ... ms out.
  for (let i = 0; i < 4; i++) replies.push(await (i % 2 ? b : a).reserve('fast', 4));
  expect(replies.slice(0, 2)).toEqual([0, 0]);
  expect(replies.slice(2).every((r) => r < 0)).toBe(true);
  // At one every 2 s (a burst of one), each slot lies further out, however slow this machine is.
  replies.length = 0;
  for (let i = 0; i < 6; i++) replies.push(await (i % 2 ? b : a).reserve('acct', 0.5));
  expect(replies[0]).toBe(0);
  const waits = replies.slice(1).map((r) => -r);
  for (const w of waits) expect(w).toBeGreaterThan(0);
  for (let i = 1; i < waits.length; i++) expect(waits[i]!).toBeGreaterThan(waits[i - 1]!);
  await b.pause('acct', 60_000);
  expect(await a.reserve('acct', 4)).toBeGreaterThan(1000);
});

it('two worker processes on one Aliyun account stay within its documented request rates together', async () => {
  const dir = tempDir('shared-gate');
  const src = join(dir, 'src');
  mkdirSync(src);
  const rels = makeTree(src, 90, 30);
  // The emulator answers 429 over the documented per-second rates (15/s for file calls).
  const emulator: AliyunEmulator = await startAliyunEmulator();
  const ali = { type: 'aliyun-open', ...aliyunEmulatorOptions(emulator, emulator.issueRefreshToken()) };
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
  const emulator = await start115Emulator();
  for (let i = 0; i < 80; i++) emulator.putFile('alice', `lib/d${i % 4}/f${i}.txt`, Buffer.from(`file ${i}\n`));
  // 10 calls a second for the account; one process alone never exceeds 20 in a second's window.
  emulator.setRiskControl({ budget: 24, windowMs: 1000, coolDownMs: 2000, answer: 'errno590075' });
  const my115 = {
    type: 'p115',
    cookie: emulator.users[0]!.cookie,
    ...p115EmulatorOptions(emulator),
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
