import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cancelTransfer, fileJobId, openQueues, showTransfer, submitTransfer } from '../src/index.js';
import { REDIS_URL, makeTree, tempDir, uniquePrefix, until, cleanupAfterEach, teardown } from './helpers.js';
import { type WorkerProcess, spawnWorker, stopWorker, writeConfig } from './processes.js';

const cleanups = cleanupAfterEach();

async function setup(remote: Record<string, unknown>) {
  const prefix = uniquePrefix();
  const dir = tempDir('lifecycle');
  const src = join(dir, 'src');
  const dst = join(dir, 'dst');
  mkdirSync(src);
  mkdirSync(dst);
  const configPath = writeConfig(dir, { s: { root: src }, d: { root: dst, ...remote } });
  const queues = await openQueues(REDIS_URL, prefix);
  const workers: WorkerProcess[] = [];
  cleanups.push(async () => {
    for (const w of workers) await stopWorker(w, 'SIGKILL');
    await teardown(queues, prefix, dir);
  });
  const start = async () => {
    const w = await spawnWorker({ redisUrl: REDIS_URL, prefix, concurrency: 1 }, { FERRY_CONFIG: configPath });
    workers.push(w);
    return w;
  };
  const submit = () =>
    submitTransfer(queues, { mode: 'copy', source: 's:/', target: 'd:/', deleteExtraneous: false, compare: 'default', include: [], exclude: [], retries: 1 });
  return { src, dst, queues, start, submit };
}

it('SIGTERM lets a worker finish the file it is copying, then it exits cleanly', async () => {
  const { src, dst, queues, start, submit } = await setup({ partSize: 65536, partDelayMs: 200 });
  writeFileSync(join(src, 'slow.bin'), Buffer.alloc(8 * 65536, 1));
  const worker = await start();
  const { id } = await submit();
  await until(async () => {
    const job = await queues.files.getJob(fileJobId(id, 'slow.bin'));
    return ((job?.data as { checkpoint?: { offset: number } })?.checkpoint?.offset ?? 0) > 0;
  }, 'the upload to be under way');
  worker.child.kill('SIGTERM');
  await worker.exited;
  expect(worker.child.exitCode).toBe(0);
  expect(worker.lines).toContain(`copied: slow.bin [${id}]`);
  expect(existsSync(join(dst, 'slow.bin'))).toBe(true);
});

it('cancel removes a transfer and the files it had not started', async () => {
  const { src, dst, queues, start, submit } = await setup({ partDelayMs: 300 });
  makeTree(src, 40, 40);
  await start();
  const { id } = await submit();
  // The 40 small files travel in one batch: the first one landing means the batch is under way.
  await until(async () => existsSync(join(dst, 'd0', 'f0.txt')), 'the first file');
  await cancelTransfer(queues, id);
  expect(await queues.transfers.getJob(id)).toBeUndefined();
  const waiting = await queues.files.getJobCounts('waiting', 'delayed', 'prioritized');
  expect(Object.values(waiting).reduce((a, b) => a + b, 0)).toBe(0);
  // The running batch stops between files: most of the 40 are never copied.
  await until(async () => (await queues.files.getActiveCount()) === 0, 'the batch to stop');
  expect(readdirSync(join(dst, 'd0')).filter((n) => !n.startsWith('.ferry-partial')).length).toBeLessThan(40);
  // A new submission of the same transfer is a new run, not the cancelled one.
  const again = await submit();
  expect(again.id).not.toBe(id);
  expect(existsSync(dst)).toBe(true);
});
