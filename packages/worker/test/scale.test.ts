import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { followTransfer, openQueues, submitTransfer } from '../src/index.js';
import { REDIS_URL, makeTree, tempDir, uniquePrefix, cleanupAfterEach, teardown } from './helpers.js';
import { type WorkerProcess, spawnWorker, stopWorker, writeConfig } from './processes.js';

const cleanups = cleanupAfterEach();

it('three worker processes copy one transfer of 2,000 files, every file exactly once', async () => {
  const prefix = uniquePrefix();
  const dir = tempDir('scale');
  const src = join(dir, 'src');
  const dst = join(dir, 'dst');
  mkdirSync(src);
  mkdirSync(dst);
  const rels = makeTree(src, 2000, 100);
  const log = join(dir, 'io.log');
  const configPath = writeConfig(dir, { s: { root: src }, d: { root: dst, log } });
  const queues = await openQueues(REDIS_URL, prefix);
  const workers: WorkerProcess[] = [];
  cleanups.push(async () => {
    for (const w of workers) await stopWorker(w);
    await teardown(queues, prefix, dir);
  });
  const options = { redisUrl: REDIS_URL, prefix, concurrency: 4 };
  workers.push(...(await Promise.all([0, 1, 2].map(() => spawnWorker(options, { FERRY_CONFIG: configPath })))));

  const { id } = await submitTransfer(queues, {
    mode: 'copy', source: 's:/', target: 'd:/', deleteExtraneous: false, compare: 'default', include: [], exclude: [], retries: 3,
  });
  const summary = await followTransfer(queues, id, () => {});
  expect(summary).toMatchObject({ state: 'done', copied: 2000, failed: 0, plannedFiles: 2000 });

  const landed = readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('done '));
  expect(landed).toHaveLength(2000);
  expect(new Set(landed).size).toBe(2000);
  const perWorker = workers.map((w) => w.lines.filter((l) => l.startsWith('copied: ')).length);
  expect(perWorker.reduce((a, b) => a + b, 0)).toBe(2000);
  for (const rel of rels) expect(readFileSync(join(dst, rel), 'utf8')).toBe(readFileSync(join(src, rel), 'utf8'));
});
