import { describe, expect, it } from 'vitest';
import { type DeleteLimit, type Location, type RunEvent, deleteLimitSchema, heldDeletesReason, runTransfer } from '../src/index.js';
import { MemoryProvider } from '../src/testing/index.js';

const at = (provider: MemoryProvider, path = '/'): Location => ({ provider, path, display: `${provider.remote}:${path}` });

/** A destination of ten files: four at the top, six in /album. */
function destination(): MemoryProvider {
  const dst = new MemoryProvider('dst');
  for (let i = 0; i < 4; i++) dst.put(`/top${i}.txt`, `top ${i}`, 1_000_000);
  for (let i = 0; i < 6; i++) dst.put(`/album/p${i}.jpg`, `photo ${i}`, 1_000_000);
  return dst;
}

async function sync(src: MemoryProvider, dst: MemoryProvider, extra: { maxDelete?: DeleteLimit; dryRun?: boolean } = {}) {
  const events: RunEvent[] = [];
  const summary = await runTransfer({ source: at(src), target: at(dst), mode: 'sync', deleteExtraneous: true, onEvent: (e) => events.push(e), ...extra });
  return { summary, events };
}

describe('deletion guard', () => {
  it('holds back every deletion when the source lists no file, whatever the plan copies', async () => {
    const dst = destination();
    const { summary, events } = await sync(new MemoryProvider('src'), dst);
    expect(summary).toMatchObject({ deleted: 0, failed: 0, deletesHeld: 5 });
    expect(summary.deletesHeldReason).toMatch(/source lists no files while the destination holds 10/);
    expect(events).toContainEqual({ type: 'deletes-skipped', count: 5, reason: summary.deletesHeldReason });
    expect(dst.files.size).toBe(10);
  });

  it('counts the files inside a folder it would delete: one folder can be most of the destination', async () => {
    const src = new MemoryProvider('src');
    for (let i = 0; i < 4; i++) src.put(`/top${i}.txt`, `top ${i}`, 1_000_000);
    const dst = destination();
    const { summary } = await sync(src, dst);
    expect(summary).toMatchObject({ skipped: 4, deleted: 0, deletesHeld: 1 });
    expect(summary.deletesHeldReason).toMatch(/delete 6 of the destination's 10 files, more than half/);
    expect(dst.files.size).toBe(10);
    // The same plan under an explicit limit it keeps to.
    const allowed = await sync(src, dst, { maxDelete: { percent: 60 } });
    expect(allowed.summary).toMatchObject({ deleted: 1, deletesHeld: 0 });
    expect(dst.files.size).toBe(4);
  });

  it('lets half of the destination go by default, and copies while it holds deletions back', async () => {
    const src = new MemoryProvider('src');
    for (let i = 0; i < 4; i++) src.put(`/top${i}.txt`, `top ${i}`, 1_000_000);
    src.put('/album/p0.jpg', 'photo 0', 1_000_000);
    src.put('/new.txt', 'new');
    const dst = destination();
    const { summary } = await sync(src, dst);
    // 5 of 10 destination files go: exactly half is not more than half.
    expect(summary).toMatchObject({ copied: 1, skipped: 5, deleted: 5, deletesHeld: 0 });

    const dst2 = destination();
    const held = await sync(src, dst2, { maxDelete: { files: 4 } });
    expect(held.summary).toMatchObject({ copied: 1, deleted: 0, deletesHeld: 5 });
    expect(held.summary.deletesHeldReason).toMatch(/delete 5 files, more than --max-delete 4/);
    expect(dst2.files.has('/new.txt')).toBe(true);
    expect(dst2.files.size).toBe(11);
  });

  it('says in a dry run what a real run would hold back', async () => {
    const dst = destination();
    const { summary } = await sync(new MemoryProvider('src'), dst, { dryRun: true });
    expect(summary).toMatchObject({ dryRun: true, deletesPending: 5, deletesHeld: 5 });
  });

  it('decides by counts and limit', () => {
    const t = (sourceFiles: number, targetFiles: number, deleteFiles: number) => ({ sourceFiles, targetFiles, deleteFiles });
    expect(heldDeletesReason(t(0, 0, 0), undefined)).toBeUndefined();
    expect(heldDeletesReason(t(0, 3, 3), undefined)).toMatch(/source lists no files/);
    expect(heldDeletesReason(t(0, 3, 3), { files: 1000 })).toMatch(/source lists no files/);
    expect(heldDeletesReason(t(0, 3, 3), { percent: 99 })).toMatch(/source lists no files/);
    expect(heldDeletesReason(t(0, 3, 3), { percent: 100 })).toBeUndefined();
    expect(heldDeletesReason(t(10, 10, 6), undefined)).toMatch(/6 of the destination's 10 files/);
    expect(heldDeletesReason(t(10, 10, 6), { files: 6 })).toBeUndefined();
    expect(heldDeletesReason(t(10, 10, 0), { files: 0 })).toBeUndefined();
    expect(heldDeletesReason(t(10, 10, 1), { files: 0 })).toMatch(/delete 1 file, more than --max-delete 0/);
    expect(heldDeletesReason(t(10, 3, 1), { percent: 33 })).toMatch(/1 of the destination's 3 files \(33\.3%\), more than --max-delete 33%/);
    expect(heldDeletesReason(t(10, 3, 1), { percent: 34 })).toBeUndefined();
  });

  it('parses a limit from job data only in its two shapes', () => {
    expect(deleteLimitSchema.parse({ files: 3 })).toEqual({ files: 3 });
    expect(deleteLimitSchema.parse({ percent: 12.5 })).toEqual({ percent: 12.5 });
    for (const bad of [{ files: -1 }, { files: 1.5 }, { percent: 101 }, { files: 1, percent: 2 }, {}]) {
      expect(deleteLimitSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
