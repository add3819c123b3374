import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeleteLimit, RunEvent } from '@ferry/core';
import { FerryWorker, followTransfer, openQueues, showTransfer, submitTransfer, type FerryQueues } from '../src/index.js';
import { REDIS_URL, dropPrefix, makeTree, tempDir, uniquePrefix, cleanupAfterEach } from './helpers.js';

const cleanups = cleanupAfterEach();

async function setup(options: { concurrency?: number } = {}) {
  const prefix = uniquePrefix();
  const src = tempDir('src');
  const dst = tempDir('dst');
  const worker = await FerryWorker.start({ redisUrl: REDIS_URL, prefix, concurrency: options.concurrency ?? 4, backoff: { baseMs: 10, maxMs: 50 } });
  const queues = await openQueues(REDIS_URL, prefix);
  cleanups.push(async () => {
    await worker.close();
    await queues.close();
    queues.redis.disconnect();
    await dropPrefix(REDIS_URL, prefix);
    rmSync(src, { recursive: true, force: true });
    rmSync(dst, { recursive: true, force: true });
  });
  return { prefix, src, dst, worker, queues };
}

function spec(mode: 'copy' | 'sync', source: string, target: string, extra: { deleteExtraneous?: boolean; maxDelete?: DeleteLimit } = {}) {
  return {
    mode,
    source,
    target,
    deleteExtraneous: !!extra.deleteExtraneous,
    compare: 'default' as const,
    include: [],
    exclude: [],
    retries: 2,
    ...(extra.maxDelete ? { maxDelete: extra.maxDelete } : {}),
  };
}

async function run(queues: FerryQueues, s: ReturnType<typeof spec>) {
  const { id } = await submitTransfer(queues, s);
  const events: RunEvent[] = [];
  const summary = await followTransfer(queues, id, (e) => events.push(e));
  return { id, summary, events };
}

describe('queued transfers', () => {
  it('copies a tree through transfer and file jobs, and reports the summary and run events', async () => {
    const { src, dst, queues } = await setup();
    const rels = makeTree(src, 120, 30);
    const { summary, events } = await run(queues, spec('copy', src, dst));
    expect(summary).toMatchObject({ state: 'done', copied: 120, failed: 0, skipped: 0, plannedFiles: 120 });
    for (const rel of rels) expect(readFileSync(join(dst, rel), 'utf8')).toBe(readFileSync(join(src, rel), 'utf8'));
    expect(events.filter((e) => e.type === 'planned')).toHaveLength(120);
    expect(events.filter((e) => e.type === 'file')).toHaveLength(120);
    expect(events.filter((e) => e.type === 'bytes').reduce((n, e) => n + (e.type === 'bytes' ? e.n : 0), 0)).toBe(summary.bytes);

    const again = await run(queues, spec('copy', src, dst));
    expect(again.summary).toMatchObject({ state: 'done', copied: 0, skipped: 120 });
  });

  it('ends "partial" when a file fails, with the reason, and sync --delete then deletes nothing', async () => {
    const { src, dst, queues } = await setup();
    makeTree(src, 10, 5);
    mkdirSync(join(dst, 'd0'), { recursive: true });
    writeFileSync(join(dst, 'extra.txt'), 'not on the source');
    // A folder on the target where the source has a file: a non-retryable error at plan time.
    mkdirSync(join(dst, 'd1', 'f5.txt'), { recursive: true });
    const { summary } = await run(queues, spec('sync', src, dst, { deleteExtraneous: true }));
    expect(summary.state).toBe('partial');
    expect(summary.failed).toBe(1);
    expect(summary.errors[0]?.rel).toBe('d1/f5.txt');
    expect(summary.deletesPending).toBe(1);
    expect(existsSync(join(dst, 'extra.txt'))).toBe(true);

    rmSync(join(dst, 'd1', 'f5.txt'), { recursive: true });
    const clean = await run(queues, spec('sync', src, dst, { deleteExtraneous: true }));
    expect(clean.summary).toMatchObject({ state: 'done', failed: 0, deleted: 1, copied: 1 });
    expect(existsSync(join(dst, 'extra.txt'))).toBe(false);
  });

  it('holds back the deletions of a sync that would remove more than half of the target, copies still land; maxDelete lifts it', async () => {
    const { src, dst, queues } = await setup();
    makeTree(src, 1);
    makeTree(dst, 4);
    writeFileSync(join(src, 'new.txt'), 'new');
    const { id, summary, events } = await run(queues, spec('sync', src, dst, { deleteExtraneous: true }));
    // d0/f0.txt is on both sides; d0/f1..f3 would go: 3 of the target's 4 files.
    expect(summary).toMatchObject({ state: 'partial', failed: 0, copied: 1, deleted: 0, deletesHeld: 3 });
    expect(summary.deletesHeldReason).toMatch(/delete 3 of the destination's 4 files, more than half/);
    expect(events).toContainEqual({ type: 'deletes-skipped', count: 3, reason: summary.deletesHeldReason });
    expect(existsSync(join(dst, 'new.txt'))).toBe(true);
    expect(existsSync(join(dst, 'd0', 'f3.txt'))).toBe(true);
    expect((await showTransfer(queues, id)).info.summary).toMatchObject({ deletesHeld: 3, deletesHeldReason: summary.deletesHeldReason });

    const lifted = await run(queues, spec('sync', src, dst, { deleteExtraneous: true, maxDelete: { percent: 100 } }));
    expect(lifted.summary).toMatchObject({ state: 'done', deleted: 3, deletesHeld: 0 });
    expect(existsSync(join(dst, 'd0', 'f3.txt'))).toBe(false);
  });

  it('fails a file whose copy cannot succeed at once, keeps it for `jobs show`, and marks the transfer partial', async () => {
    const { src, dst, queues } = await setup();
    makeTree(src, 4, 4);
    // The target folder is read-only for this file: a BadInput (permission) error, not retryable.
    mkdirSync(join(dst, 'd0'), { recursive: true });
    writeFileSync(join(src, 'd0', 'big.bin'), 'x');
    mkdirSync(join(dst, 'd0', '.ferry-partial-big.bin'), { recursive: true });
    const { id, summary } = await run(queues, spec('copy', src, dst));
    expect(summary).toMatchObject({ state: 'partial', failed: 1, copied: 4 });
    const shown = await showTransfer(queues, id);
    expect(shown.failures).toHaveLength(1);
    expect(shown.failures[0]).toMatchObject({ rel: 'd0/big.bin', attempts: 1 });
  });

  it('a transfer whose source is missing fails at once with the reason, not after retries', async () => {
    const { src, dst, queues } = await setup();
    const { id } = await submitTransfer(queues, spec('copy', join(src, 'nope'), dst));
    await expect(followTransfer(queues, id, () => {})).rejects.toThrow(/transfer .* failed: .*nope.*no such file/);
    expect((await queues.transfers.getJob(id))?.attemptsMade).toBe(1);
  });
});
