import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startS3Emulator } from '@ferry/emulators';
import { ferry, finished, s3Args, sandbox, startFerry } from './helpers.js';
import { withQueuePrefix } from './queue-sandbox.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('a queued copy to S3 runs on a worker like any remote, and lands with its SHA-1s', async () => {
  const s3 = await startS3Emulator();
  cleanups.push(() => s3.close());
  const plain = await sandbox();
  cleanups.push(() => fs.rm(plain.dir, { recursive: true, force: true }));
  const box = withQueuePrefix(plain, cleanups);
  const add = await ferry(
    ['remote', 'add', 's3', 's3', ...s3Args(s3)],
    box,
  );
  expect(add.code, add.stderr).toBe(0);
  const src = join(box.dir, 'src');
  await fs.mkdir(src);
  const digests = new Map<string, string>();
  for (let i = 0; i < 5; i++) {
    const data = Buffer.from(`queued file ${i}\n`.repeat(1000 * (i + 1)));
    await fs.writeFile(join(src, `f${i}.txt`), data);
    digests.set(`f${i}.txt`, createHash('sha1').update(data).digest('hex'));
  }
  const worker = startFerry(['worker', '--concurrency', '2'], box);
  const workerDone = finished(worker);
  try {
    const run = await ferry(['copy', src, 's3:/queued', '--queue', '--wait'], box);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/5 copied/);
  } finally {
    worker.kill('SIGTERM');
    await workerDone;
  }
  const hashed = await ferry(['hash', 's3:/queued'], box);
  const listed = new Map(hashed.stdout.trim().split('\n').map((l) => [l.split('  ')[1]!, l.split('  ')[0]!]));
  expect(listed).toEqual(digests);
});
