import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cleanupAfterEach, ferry, finished, startFerry } from './helpers.js';
import { queueSandbox } from './queue-sandbox.js';

const cleanups = cleanupAfterEach();


it('copy --queue --wait runs on `ferry worker`, prints the id and the summary; jobs list shows it done', async () => {
  const box = await queueSandbox(cleanups);
  const src = join(box.dir, 'src');
  for (let i = 0; i < 20; i++) {
    await fs.mkdir(join(src, `d${i % 3}`), { recursive: true });
    await fs.writeFile(join(src, `d${i % 3}`, `f${i}.txt`), `file ${i}\n`);
  }
  const worker = startFerry(['worker', '--concurrency', '2'], box);
  const workerDone = finished(worker);
  cleanups.push(async () => {
    if (worker.exitCode === null) worker.kill('SIGTERM');
    await workerDone;
  });

  const run = await ferry(['copy', 'src', 'dst', '--queue', '--wait'], box);
  expect(run.stderr).toContain('Files: 20 copied, 0 rapid, 0 skipped, 0 failed, 0 deleted');
  expect(run.code).toBe(0);
  const id = run.stdout.trim();
  expect(id).toMatch(/^t[0-9a-z]+$/);
  expect(await fs.readFile(join(box.dir, 'dst', 'd1', 'f4.txt'), 'utf8')).toBe('file 4\n');

  const list = await ferry(['jobs', 'list'], box);
  expect(list.stdout).toMatch(new RegExp(`^${id}\\s+done\\s`, 'm'));

  worker.kill('SIGTERM');
  const stopped = await workerDone;
  expect(stopped.code).toBe(0);
  const lines = stopped.stdout.split('\n').filter((l) => / copied: /.test(l));
  expect(lines).toHaveLength(20);
});

it('an unreachable Redis is one line naming the URL', async () => {
  const box = await queueSandbox(cleanups);
  await fs.mkdir(join(box.dir, 'src'));
  const run = await ferry(['copy', 'src', 'dst', '--queue', '--redis', 'redis://:hunter2@127.0.0.1:1'], box);
  expect(run.code).toBe(1);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toContain('cannot reach Redis at redis://:***@127.0.0.1:1');
  expect(run.stderr).not.toContain('hunter2');
});

it('a queued copy keeps --on-conflict: skip keeps the target file, rename lands beside it', async () => {
  const box = await queueSandbox(cleanups);
  await fs.mkdir(join(box.dir, 'src'), { recursive: true });
  await fs.mkdir(join(box.dir, 'dst'), { recursive: true });
  await fs.writeFile(join(box.dir, 'src', 'a.txt'), 'from source');
  await fs.writeFile(join(box.dir, 'dst', 'a.txt'), 'on target');
  const worker = startFerry(['worker'], box);
  const workerDone = finished(worker);
  cleanups.push(async () => {
    if (worker.exitCode === null) worker.kill('SIGTERM');
    await workerDone;
  });

  const skip = await ferry(['copy', 'src', 'dst', '--queue', '--wait', '--on-conflict', 'skip'], box);
  expect(skip.code, skip.stderr).toBe(0);
  expect(skip.stderr).toContain('Files: 0 copied, 0 rapid, 1 skipped');
  expect(await fs.readFile(join(box.dir, 'dst', 'a.txt'), 'utf8')).toBe('on target');

  const rename = await ferry(['copy', 'src', 'dst', '--queue', '--wait', '--on-conflict', 'rename'], box);
  expect(rename.code, rename.stderr).toBe(0);
  expect(await fs.readFile(join(box.dir, 'dst', 'a.txt'), 'utf8')).toBe('on target');
  expect(await fs.readFile(join(box.dir, 'dst', 'a(1).txt'), 'utf8')).toBe('from source');
});
