import { readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { FerryWorker, followTransfer, openQueues, submitTransfer } from '../src/index.js';
import { REDIS_URL, cleanupAfterEach, dropPrefix, makeTree, tempDir, uniquePrefix } from './helpers.js';

const cleanups = cleanupAfterEach();

it('a queued sync --delete whose target holds its source under a symlink fails at once and deletes nothing', async () => {
  const prefix = uniquePrefix();
  const root = tempDir('overlap');
  const worker = await FerryWorker.start({ redisUrl: REDIS_URL, prefix, concurrency: 2, backoff: { baseMs: 10, maxMs: 50 } });
  const queues = await openQueues(REDIS_URL, prefix);
  cleanups.push(async () => {
    await worker.close();
    await queues.close();
    queues.redis.disconnect();
    await dropPrefix(REDIS_URL, prefix);
    rmSync(root, { recursive: true, force: true });
  });
  makeTree(join(root, 'data', 'src'), 3);
  makeTree(join(root, 'data', 'sibling'), 2);
  symlinkSync(join(root, 'data'), join(root, 'link'));

  const spec = {
    mode: 'sync' as const,
    source: join(root, 'data', 'src'),
    target: join(root, 'link'),
    deleteExtraneous: true,
    compare: 'default' as const,
    include: [],
    exclude: [],
    retries: 2,
  };
  const { id } = await submitTransfer(queues, spec);
  await expect(followTransfer(queues, id, () => {})).rejects.toThrow(/overlap \(the source is inside the destination\)/);
  expect((await queues.transfers.getJob(id))?.attemptsMade).toBe(1);
  expect(readdirSync(join(root, 'data')).sort()).toEqual(['sibling', 'src']);
});
