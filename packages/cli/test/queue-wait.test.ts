import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { type Sandbox, cleanupAfterEach, ferry, finished, startFerry, waitFor } from './helpers.js';
import { queueSandbox } from './queue-sandbox.js';

const cleanups = cleanupAfterEach();

async function queueSandboxWithFiles(): Promise<Sandbox> {
  const queued = await queueSandbox(cleanups);
  const src = join(queued.dir, 'src');
  await fs.mkdir(src);
  for (let i = 0; i < 5; i++) await fs.writeFile(join(src, `f${i}.txt`), `file ${i}\n`);
  return queued;
}

const NO_WORKER = /ferry: no worker is serving \{ferry-cli-[0-9a-f]+\} on redis:\/\/127\.0\.0\.1:6379: start one with `ferry worker`/;

it('--wait without --queue is a usage error, and nothing is queued', async () => {
  const box = await queueSandboxWithFiles();
  const run = await ferry(['copy', 'src', 'dst', '--wait'], box);
  expect(run.code).toBe(2);
  expect(run.stderr.trim().split('\n')).toEqual(['ferry: --wait follows a queued transfer: add --queue, or leave out --wait to run here']);
  expect(run.stdout).toBe('');
  expect((await ferry(['jobs', 'list'], box)).stdout).toBe('');
});

it('--queue --wait with no worker says so and keeps waiting; a worker started later finishes it', async () => {
  const box = await queueSandboxWithFiles();
  const child = startFerry(['copy', 'src', 'dst', '--queue', '--wait'], box);
  const done = finished(child);
  await waitFor(child.stderr!, NO_WORKER);

  const worker = startFerry(['worker', '--concurrency', '2'], box);
  const workerDone = finished(worker);
  cleanups.push(async () => {
    if (worker.exitCode === null) worker.kill('SIGTERM');
    await workerDone;
  });
  const run = await done;
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toContain('Files: 5 copied, 0 rapid, 0 skipped, 0 failed, 0 deleted');
  expect(run.stderr.match(new RegExp(NO_WORKER, 'g'))).toHaveLength(1);
  expect(await fs.readFile(join(box.dir, 'dst', 'f3.txt'), 'utf8')).toBe('file 3\n');
});

it('Ctrl-C while waiting leaves the transfer queued and tells how to cancel it', async () => {
  const box = await queueSandboxWithFiles();
  const child = startFerry(['copy', 'src', 'dst', '--queue', '--wait'], box);
  const done = finished(child);
  const [id] = await waitFor(child.stdout!, /t[0-9a-z]+/);
  await waitFor(child.stderr!, NO_WORKER);
  child.kill('SIGINT');
  const run = await done;
  expect(run.code).toBe(130);
  expect(run.stderr).toContain(`ferry: stopped waiting; transfer ${id} stays queued (cancel it with \`ferry jobs cancel ${id}\`)`);
  const list = await ferry(['jobs', 'list'], box);
  expect(list.stdout).toMatch(new RegExp(`^${id}\\s+(queued|waiting)\\s`, 'm'));
  const cancel = await ferry(['jobs', 'cancel', id!], box);
  expect(cancel.code, cancel.stderr).toBe(0);
});
