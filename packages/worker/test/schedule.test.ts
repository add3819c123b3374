import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { FerryWorker, addSchedule, listSchedules, listTransfers, openQueues, removeSchedule, type TransferInfo } from '../src/index.js';
import { REDIS_URL, tempDir, uniquePrefix, until, cleanupAfterEach, teardown } from './helpers.js';
import { writeConfig } from './processes.js';

const cleanups = cleanupAfterEach();

async function setup(remote: Record<string, unknown> = {}) {
  const prefix = uniquePrefix();
  const dir = tempDir('schedule');
  const src = join(dir, 'src');
  const dst = join(dir, 'dst');
  mkdirSync(src);
  mkdirSync(dst);
  const configPath = writeConfig(dir, { s: { root: src, ...remote }, d: { root: dst, ...remote } });
  const worker = await FerryWorker.start({ redisUrl: REDIS_URL, prefix, concurrency: 2, configPath });
  const queues = await openQueues(REDIS_URL, prefix);
  cleanups.push(async () => {
    await worker.close();
    await teardown(queues, prefix, dir);
  });
  return { src, dst, queues };
}

// The one target file goes: past the default deletion guard, which the last test here covers.
const syncSpec = {
  mode: 'sync',
  source: 's:/',
  target: 'd:/',
  deleteExtraneous: true,
  compare: 'default' as const,
  include: [],
  exclude: [],
  retries: 1,
  maxDelete: { percent: 100 },
};

const finishedRuns = async (queues: Awaited<ReturnType<typeof setup>>['queues']): Promise<TransferInfo[]> =>
  (await listTransfers(queues, 100)).filter((t) => t.schedule === 'mirror' && t.summary);

it('a schedule fires on its cron, runs a sync, and fires again; adding it twice keeps one', async () => {
  const { src, dst, queues } = await setup();
  writeFileSync(join(src, 'one.txt'), '1');
  writeFileSync(join(dst, 'stale.txt'), 'extra');
  await addSchedule(queues, 'mirror', '*/1 * * * * *', syncSpec);
  await addSchedule(queues, 'mirror', '*/1 * * * * *', syncSpec);
  expect((await listSchedules(queues)).map((s) => s.name)).toEqual(['mirror']);
  expect((await listSchedules(queues))[0]?.spec?.maxDelete).toEqual({ percent: 100 });

  await until(() => existsSync(join(dst, 'one.txt')) && !existsSync(join(dst, 'stale.txt')), 'the first run');
  writeFileSync(join(src, 'two.txt'), '2');
  // Ticks that found the previous run still going finish as "skipped"; the others copy.
  const copying = async () => (await finishedRuns(queues)).filter((r) => r.state !== 'skipped' && (r.summary?.copied ?? 0) > 0);
  await until(async () => (await copying()).length >= 2, 'a later run that copies the new file');
  expect(existsSync(join(dst, 'two.txt'))).toBe(true);
  expect((await finishedRuns(queues)).filter((r) => r.state !== 'skipped').every((r) => r.state === 'done')).toBe(true);

  expect(await removeSchedule(queues, 'mirror')).toBe(true);
  expect(await listSchedules(queues)).toEqual([]);
});

it('a run still going when the next tick is due is not started twice', async () => {
  // Three parts of 64 KiB, 1 s each: one run outlasts several ticks of a one-second cron.
  const { src, dst, queues } = await setup({ partSize: 65536, partDelayMs: 1000 });
  writeFileSync(join(src, 'slow.bin'), Buffer.alloc(3 * 65536, 7));
  await addSchedule(queues, 'mirror', '*/1 * * * * *', syncSpec);
  await until(async () => (await finishedRuns(queues)).some((r) => r.summary?.copied === 1), 'the slow run');
  await until(async () => (await finishedRuns(queues)).some((r) => r.state === 'skipped'), 'a skipped tick');
  await removeSchedule(queues, 'mirror');
  const runs = await finishedRuns(queues);
  const copies = runs.reduce((n, r) => n + (r.summary?.copied ?? 0), 0);
  expect(copies).toBe(1);
  expect(runs.find((r) => r.state === 'skipped')?.summary?.reason).toMatch(/still going/);
});

it('a scheduled sync keeps the deletion guard: a source listing nothing deletes nothing, and the run says why', async () => {
  const { dst, queues } = await setup();
  writeFileSync(join(dst, 'backup.txt'), 'precious');
  const { maxDelete: _lifted, ...guarded } = syncSpec;
  await addSchedule(queues, 'mirror', '*/1 * * * * *', guarded);
  expect((await listSchedules(queues))[0]?.spec?.maxDelete).toBeUndefined();
  await until(async () => (await finishedRuns(queues)).some((r) => r.state === 'partial'), 'a run that holds deletions back');
  await removeSchedule(queues, 'mirror');
  const run = (await finishedRuns(queues)).find((r) => r.state === 'partial')!;
  expect(run.summary).toMatchObject({ deleted: 0, failed: 0, deletesHeld: 1 });
  expect(run.summary?.deletesHeldReason).toMatch(/source lists no files while the destination holds 1/);
  expect(existsSync(join(dst, 'backup.txt'))).toBe(true);
});
