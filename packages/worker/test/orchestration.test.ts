import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DeleteLimit, type RunEvent, type RunSummary, resolveLocation, runTransfer } from '@ferry/core';
import { registerAllProviders } from '@ferry/providers';
import { FerryWorker, followTransfer, openQueues, submitTransfer } from '../src/index.js';
import { REDIS_URL, cleanupAfterEach, dropPrefix, makeTree, tempDir, uniquePrefix } from './helpers.js';

const cleanups = cleanupAfterEach();

interface Case {
  deleteExtraneous?: boolean;
  maxDelete?: DeleteLimit;
}

/**
 * One plan, two executors of core's orchestration: the in-process runner (p-limit pool) and the
 * queued one (child jobs on a real worker over Redis), each on its own copy of the same folders.
 */
async function bothExecutors(fill: (src: string, dst: string) => void, c: Case) {
  registerAllProviders();
  const prefix = uniquePrefix();
  const root = tempDir('orchestration');
  const worker = await FerryWorker.start({ redisUrl: REDIS_URL, prefix, concurrency: 4, backoff: { baseMs: 10, maxMs: 50 } });
  const queues = await openQueues(REDIS_URL, prefix);
  cleanups.push(async () => {
    await worker.close();
    await queues.close();
    queues.redis.disconnect();
    await dropPrefix(REDIS_URL, prefix);
    rmSync(root, { recursive: true, force: true });
  });
  fill(join(root, 'local', 'src'), join(root, 'local', 'dst'));
  cpSync(join(root, 'local'), join(root, 'queued'), { recursive: true, preserveTimestamps: true });

  const localEvents: RunEvent[] = [];
  const local = await runTransfer({
    source: resolveLocation(join(root, 'local', 'src'), { remotes: {}, defaults: {} }),
    target: resolveLocation(join(root, 'local', 'dst'), { remotes: {}, defaults: {} }),
    mode: 'sync',
    deleteExtraneous: !!c.deleteExtraneous,
    ...(c.maxDelete ? { maxDelete: c.maxDelete } : {}),
    retries: 2,
    backoff: { baseMs: 10, maxMs: 50 },
    onEvent: (e) => localEvents.push(e),
  });

  const { id } = await submitTransfer(queues, {
    mode: 'sync',
    source: join(root, 'queued', 'src'),
    target: join(root, 'queued', 'dst'),
    deleteExtraneous: !!c.deleteExtraneous,
    ...(c.maxDelete ? { maxDelete: c.maxDelete } : {}),
    retries: 2,
  });
  const queuedEvents: RunEvent[] = [];
  const queued = await followTransfer(queues, id, (e) => queuedEvents.push(e));
  // Messages name the folders, which differ only in the executor's name.
  const unplace = (summary: { errors: { rel: string; message: string }[] }, side: string) =>
    summary.errors.forEach((e) => (e.message = e.message.replaceAll(join(root, side), '<root>')));
  unplace(local, 'local');
  unplace(queued, 'queued');
  return { local, localEvents, queued, queuedEvents };
}

/** A summary without what differs by nature (time taken, dry run flag, queued state), errors in path order. */
function comparable(s: Omit<RunSummary, 'dryRun'> & { dryRun?: boolean; state?: string }) {
  const { durationMs: _d, dryRun: _r, state: _s, errors, ...totals } = s;
  return { ...totals, errors: [...errors].sort((a, b) => a.rel.localeCompare(b.rel)) };
}

/** What a progress bar and a run log read from the events: files ended and how, failures, bytes. */
function seen(events: RunEvent[]) {
  const files = events.flatMap((e) => (e.type === 'file' ? [`${e.outcome} ${e.rel}`] : e.type === 'failed' ? [`failed ${e.rel}`] : [])).sort();
  const bytes = events.reduce((n, e) => n + (e.type === 'bytes' ? e.n : 0), 0);
  const planned = events.filter((e) => e.type === 'planned' && (e.action.kind === 'copy' || e.action.kind === 'skip')).length;
  const skippedDeletes = events.filter((e) => e.type === 'deletes-skipped');
  return { files, bytes, planned, skippedDeletes };
}

describe('one orchestration, two executors', () => {
  it('copies, skips and failures (at plan time and at copy time) sum up alike, and deletions wait for a clean run in both', async () => {
    const { local, localEvents, queued, queuedEvents } = await bothExecutors(
      (src, dst) => {
        makeTree(src, 12, 4);
        writeFileSync(join(src, 'big.bin'), randomBytes(3 * 1024 * 1024 / 2));
        writeFileSync(join(src, 'd0', 'stuck.bin'), 'y');
        writeFileSync(join(src, 'd2', 'stuck.bin'), 'z');
        // d0's four files are on both sides (skips); extra.txt only on the target (a deletion).
        makeTree(dst, 4, 4);
        writeFileSync(join(dst, 'extra.txt'), 'not on the source');
        // A folder where the source has a file: an error while planning.
        mkdirSync(join(dst, 'd1', 'f5.txt'), { recursive: true });
        // The partial file's name taken by a folder: the copy fails at once (not retryable), queued
        // as a job of its own (d0's other files are skips) and inside a batch (d2's are copies).
        mkdirSync(join(dst, 'd0', '.ferry-partial-stuck.bin'), { recursive: true });
        mkdirSync(join(dst, 'd2', '.ferry-partial-stuck.bin'), { recursive: true });
      },
      { deleteExtraneous: true },
    );
    expect(local).toMatchObject({ copied: 8, skipped: 4, failed: 3, deletesPending: 1, deleted: 0 });
    expect(queued.state).toBe('partial');
    expect(comparable(queued)).toEqual(comparable(local));
    expect(seen(queuedEvents)).toEqual(seen(localEvents));
  });

  it('held-back deletions and the guard\'s reason are the same from both', async () => {
    const { local, localEvents, queued, queuedEvents } = await bothExecutors(
      (src, dst) => {
        makeTree(src, 1);
        makeTree(dst, 4);
        writeFileSync(join(src, 'new.txt'), 'new');
      },
      { deleteExtraneous: true },
    );
    expect(local).toMatchObject({ failed: 0, copied: 1, skipped: 1, deletesHeld: 3, deleted: 0 });
    expect(local.deletesHeldReason).toMatch(/more than half/);
    expect(queued.state).toBe('partial');
    expect(comparable(queued)).toEqual(comparable(local));
    expect(seen(queuedEvents)).toEqual(seen(localEvents));
  });

  it('a clean sync deletes the same files through both', async () => {
    const { local, localEvents, queued, queuedEvents } = await bothExecutors(
      (src, dst) => {
        makeTree(src, 6, 3);
        makeTree(dst, 6, 3);
        writeFileSync(join(dst, 'extra.txt'), 'gone soon');
      },
      { deleteExtraneous: true },
    );
    expect(local).toMatchObject({ failed: 0, deleted: 1, skipped: 6 });
    expect(queued.state).toBe('done');
    expect(comparable(queued)).toEqual(comparable(local));
    expect(seen(queuedEvents)).toEqual(seen(localEvents));
  });
});
