import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { FerryWorker, followTransfer, openQueues, submitTransfer } from '../src/index.js';
import { REDIS_URL, makeTree, tempDir, uniquePrefix, until, cleanupAfterEach, teardown } from './helpers.js';
import { writeConfig } from './processes.js';

const cleanups = cleanupAfterEach();

it('re-submitting a transfer while it runs adds no duplicate file jobs', async () => {
  const prefix = uniquePrefix();
  const dir = tempDir('resubmit');
  const src = join(dir, 'src');
  const dst = join(dir, 'dst');
  mkdirSync(src);
  mkdirSync(dst);
  const rels = makeTree(src, 200, 50);
  const log = join(dir, 'io.log');
  const configPath = writeConfig(dir, { s: { root: src, partDelayMs: 10, log }, d: { root: dst, partDelayMs: 10, log } });
  const worker = await FerryWorker.start({ redisUrl: REDIS_URL, prefix, concurrency: 2, configPath });
  const queues = await openQueues(REDIS_URL, prefix);
  cleanups.push(async () => {
    await worker.close();
    await teardown(queues, prefix, dir);
  });
  const spec = { mode: 'copy', source: 's:/', target: 'd:/', deleteExtraneous: false, compare: 'default' as const, include: [], exclude: [], retries: 1 };

  const first = await submitTransfer(queues, spec);
  await until(async () => ((await queues.transfers.getJob(first.id))?.progress as { plannedFiles?: number })?.plannedFiles === 200, 'planning');
  const again = await submitTransfer(queues, spec);
  expect(again).toEqual({ id: first.id, existing: true });

  const summary = await followTransfer(queues, first.id, () => {});
  expect(summary).toMatchObject({ state: 'done', copied: 200, failed: 0 });
  const landed = readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('done '));
  expect(landed).toHaveLength(200);
  expect(new Set(landed).size).toBe(rels.length);

  // Once it has finished, the same submission is a new run, which finds everything in place.
  const later = await submitTransfer(queues, spec);
  expect(later.id).not.toBe(first.id);
  expect(await followTransfer(queues, later.id, () => {})).toMatchObject({ state: 'done', copied: 0, skipped: 200 });
});
