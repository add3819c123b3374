import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { fileJobId, followTransfer, openQueues, submitTransfer } from '../src/index.js';
import { REDIS_URL, tempDir, uniquePrefix, until, cleanupAfterEach, teardown } from './helpers.js';
import { type WorkerProcess, spawnWorker, stopWorker, writeConfig } from './processes.js';

const PART = 1024 * 1024;
const SIZE = 8 * PART + 12345;

const cleanups = cleanupAfterEach();

const sha1 = (path: string) => createHash('sha1').update(readFileSync(path)).digest('hex');

/**
 * A copy from s:/ to d:/ (test remotes over `src` and `dst`, with `remotes` options each) on one
 * worker that a second can take over quickly: locks lapse after 2 s, the stalled check runs
 * every second. `spawn` adds a worker; all are SIGKILLed after the test.
 */
async function takeoverSetup(tag: string, fill: (src: string) => void, remotes: { s?: object; d?: object }) {
  const prefix = uniquePrefix();
  const dir = tempDir(tag);
  const src = join(dir, 'src');
  const dst = join(dir, 'dst');
  mkdirSync(src);
  mkdirSync(dst);
  fill(src);
  const log = join(dir, 'io.log');
  writeFileSync(log, '');
  const config = writeConfig(dir, { s: { root: src, ...remotes.s, log }, d: { root: dst, ...remotes.d, log } });
  const queues = await openQueues(REDIS_URL, prefix);
  const workers: WorkerProcess[] = [];
  cleanups.push(async () => {
    for (const w of workers) await stopWorker(w, 'SIGKILL');
    await teardown(queues, prefix, dir);
  });
  const options = { redisUrl: REDIS_URL, prefix, concurrency: 1, lockDuration: 2000, stalledInterval: 1000 };
  const spawn = async () => {
    const w = await spawnWorker(options, { FERRY_CONFIG: config });
    workers.push(w);
    return w;
  };
  await spawn();
  const { id } = await submitTransfer(queues, {
    mode: 'copy', source: 's:/', target: 'd:/', deleteExtraneous: false, compare: 'default', include: [], exclude: [], retries: 2,
  });
  return { src, dst, log, queues, workers, spawn, id };
}

it('a worker SIGKILLed mid-upload is replaced by another that continues from the last finished part', async () => {
  const remote = { partSize: PART, partDelayMs: 300 };
  const { src, dst, log, queues, workers, spawn, id } = await takeoverSetup(
    'takeover',
    (dir) => writeFileSync(join(dir, 'big.bin'), randomBytes(SIZE)),
    { s: remote, d: remote },
  );
  let offsetAtKill = 0;
  await until(async () => {
    const job = await queues.files.getJob(fileJobId(id, 'big.bin'));
    offsetAtKill = (job?.data as { checkpoint?: { offset: number } } | undefined)?.checkpoint?.offset ?? 0;
    return offsetAtKill >= 3 * PART;
  }, 'three parts checkpointed');
  await stopWorker(workers[0]!, 'SIGKILL');

  await spawn();
  const summary = await followTransfer(queues, id, () => {});
  expect(summary).toMatchObject({ state: 'done', copied: 1, failed: 0 });
  expect(summary.resumedBytes).toBeGreaterThanOrEqual(offsetAtKill);
  expect(sha1(join(dst, 'big.bin'))).toBe(sha1(join(src, 'big.bin')));
  expect(existsSync(join(dst, '.ferry-partial-big.bin'))).toBe(false);

  const read = readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('read '))
    .reduce((n, l) => n + Number(l.slice(5)), 0);
  expect(read - SIZE).toBeLessThan(2 * PART);
  expect(workers[1]!.lines.some((l) => l.startsWith('copied: big.bin') && l.includes('resumed at byte'))).toBe(true);
});

it('a batch of small files taken over after a SIGKILL sends none of the files already landed again', async () => {
  const { dst, log, queues, workers, spawn, id } = await takeoverSetup(
    'takeover-batch',
    (dir) => {
      for (let i = 0; i < 24; i++) writeFileSync(join(dir, `f${i}.txt`), `small file ${i}\n`);
    },
    { d: { partDelayMs: 150 } },
  );
  const landed = () => readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('done '));
  await until(() => landed().length >= 6, 'a few files of the batch to land');
  await stopWorker(workers[0]!, 'SIGKILL');

  await spawn();
  const summary = await followTransfer(queues, id, () => {});
  expect(summary).toMatchObject({ state: 'done', failed: 0 });
  expect(summary.copied + summary.skipped).toBe(24);
  // Every file landed exactly once: the ones before the kill were found on the target, not re-sent.
  const done = landed();
  expect(new Set(done).size).toBe(24);
  expect(done).toHaveLength(24);
  for (let i = 0; i < 24; i++) expect(readFileSync(join(dst, `f${i}.txt`), 'utf8')).toBe(`small file ${i}\n`);
});
