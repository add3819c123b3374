import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { RunEvent } from '@ferry/core';
import { FerryWorker, followTransfer, openQueues, showTransfer, submitTransfer } from '../src/index.js';
import { REDIS_URL, makeTree, tempDir, uniquePrefix, cleanupAfterEach, teardown } from './helpers.js';
import { writeConfig } from './processes.js';

const cleanups = cleanupAfterEach();

async function setup(target: Record<string, unknown>, files = 5) {
  const prefix = uniquePrefix();
  const dir = tempDir('retries');
  const src = join(dir, 'src');
  const dst = join(dir, 'dst');
  mkdirSync(src);
  mkdirSync(dst);
  makeTree(src, files, 10);
  const configPath = writeConfig(dir, { s: { root: src }, d: { root: dst, ...target } });
  const lines: string[] = [];
  const worker = await FerryWorker.start({
    redisUrl: REDIS_URL, prefix, concurrency: 2, configPath, backoff: { baseMs: 20, maxMs: 100 }, log: (l) => lines.push(l),
  });
  const queues = await openQueues(REDIS_URL, prefix);
  cleanups.push(async () => {
    await worker.close();
    await teardown(queues, prefix, dir);
  });
  const submit = (retries: number) =>
    submitTransfer(queues, { mode: 'copy', source: 's:/', target: 'd:/', deleteExtraneous: false, compare: 'default', include: [], exclude: [], retries });
  return { queues, lines, submit };
}

it('retries temporary errors with backoff until the files land', async () => {
  const { queues, lines, submit } = await setup({ failWith: 'transient', failures: 2 });
  const { id } = await submit(3);
  const events: RunEvent[] = [];
  const summary = await followTransfer(queues, id, (e) => events.push(e));
  expect(summary).toMatchObject({ state: 'done', copied: 5, failed: 0 });
  expect(events.filter((e) => e.type === 'retry')).toHaveLength(10);
  expect(lines.filter((l) => l.startsWith('retry: '))).toHaveLength(10);
});

it('a file out of retries fails with its reason and the transfer ends partial, never done', async () => {
  const { queues, submit } = await setup({ failWith: 'transient', failures: 5 }, 2);
  const { id } = await submit(1);
  const summary = await followTransfer(queues, id, () => {});
  expect(summary).toMatchObject({ state: 'partial', copied: 0, failed: 2 });
  expect(summary.errors.map((e) => e.message)).toEqual([expect.stringMatching(/injected failure 2/), expect.stringMatching(/injected failure 2/)]);
  const shown = await showTransfer(queues, id);
  expect(shown.info.state).toBe('partial');
  expect(shown.failures.map((f) => f.attempts)).toEqual([2, 2]);
});

it('a rate-limited answer pauses the account for every worker, then the file is retried', async () => {
  const { queues, submit } = await setup({ failWith: 'rate-limited', failures: 1 }, 1);
  const { id } = await submit(2);
  const summary = await followTransfer(queues, id, () => {});
  expect(summary).toMatchObject({ state: 'done', copied: 1, failed: 0 });
});

it('the shared token bucket grants a burst of the configured rate, then asks to wait; a pause blocks it', async () => {
  const { queues } = await setup({}, 0);
  const limiter = queues.limiter;
  const acct = { remote: 'acct', account: 'acct' };
  expect(await limiter.take(acct)).toBe(0);
  await limiter.setLimit('acct', 5);
  const waits = [];
  for (let i = 0; i < 6; i++) waits.push(await limiter.take(acct));
  expect(waits.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
  expect(waits[5]).toBeGreaterThan(0);
  await limiter.pause('other', 60_000);
  const paused = await limiter.take({ remote: 'other', account: 'other' });
  expect(paused).toBeGreaterThan(0);
  expect(paused).toBeLessThanOrEqual(60_000);
});
