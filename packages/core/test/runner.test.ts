import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Location, Journal, PathFilter, type RunEvent, TransientError, runTransfer } from '../src/index.js';
import { MemoryProvider } from '../src/testing/index.js';

const at = (provider: MemoryProvider, path = '/'): Location => ({ provider, path, display: `${provider.remote}:${path}` });
const fast = { baseMs: 1, maxMs: 5 };

describe('planner and in-process runner', () => {
  it('copies a tree, then skips it, and never deletes on copy', async () => {
    const src = new MemoryProvider('src', { listSha1: true });
    const dst = new MemoryProvider('dst');
    for (let i = 0; i < 30; i++) src.put(`/d${i % 3}/f${i}.txt`, `file ${i}`);
    dst.put('/extra.txt', 'keep me');
    const first = await runTransfer({ source: at(src), target: at(dst), mode: 'copy', backoff: fast });
    expect(first).toMatchObject({ copied: 30, skipped: 0, failed: 0, deleted: 0 });
    const second = await runTransfer({ source: at(src), target: at(dst), mode: 'copy', backoff: fast });
    expect(second).toMatchObject({ copied: 0, skipped: 30 });
    expect(dst.files.has('/extra.txt')).toBe(true);
  });

  it('decides by SHA-1 when sizes match but times differ', async () => {
    const src = new MemoryProvider('src');
    const dst = new MemoryProvider('dst');
    src.put('/same.txt', 'abc', 1_000_000);
    dst.put('/same.txt', 'abc', 5_000_000);
    src.put('/changed.txt', 'new', 1_000_000);
    dst.put('/changed.txt', 'old', 5_000_000);
    src.put('/untouched.txt', 'zzz', 1_000_000);
    dst.put('/untouched.txt', 'zzz', 1_000_400);
    const s = await runTransfer({ source: at(src), target: at(dst), mode: 'copy' });
    expect(s).toMatchObject({ copied: 1, skipped: 2 });
    expect(dst.files.get('/changed.txt')?.data.toString()).toBe('new');
    expect(src.hashed).toBe(2);
  });

  it('handles a different file under the same name by policy: overwrite, skip or rename', async () => {
    const make = () => {
      const src = new MemoryProvider('src');
      const dst = new MemoryProvider('dst');
      src.put('/a.txt', 'new a', 1_000_000);
      src.put('/same.txt', 'same', 1_000_000);
      src.put('/fresh.txt', 'fresh');
      dst.put('/a.txt', 'old a!', 5_000_000);
      dst.put('/a(1).txt', 'taken', 5_000_000);
      dst.put('/same.txt', 'same', 1_000_000);
      return { src, dst };
    };
    const contents = (p: MemoryProvider) => Object.fromEntries([...p.files].map(([k, v]) => [k, v.data.toString()]));

    const o = make();
    expect(await runTransfer({ source: at(o.src), target: at(o.dst), mode: 'copy' })).toMatchObject({ copied: 2, skipped: 1 });
    expect(contents(o.dst)['/a.txt']).toBe('new a');

    const k = make();
    expect(await runTransfer({ source: at(k.src), target: at(k.dst), mode: 'copy', onConflict: 'skip' })).toMatchObject({ copied: 1, skipped: 2 });
    expect(contents(k.dst)['/a.txt']).toBe('old a!');

    const r = make();
    expect(await runTransfer({ source: at(r.src), target: at(r.dst), mode: 'copy', onConflict: 'rename' })).toMatchObject({ copied: 2, skipped: 1 });
    expect(contents(r.dst)).toMatchObject({ '/a.txt': 'old a!', '/a(1).txt': 'taken', '/a(2).txt': 'new a', '/fresh.txt': 'fresh' });
  });

  it('syncs deletions only with --delete, and not after an error', async () => {
    const src = new MemoryProvider('src');
    const dst = new MemoryProvider('dst');
    src.put('/a.txt', 'a');
    dst.put('/old.txt', 'old');
    dst.put('/olddir/x.txt', 'x');
    const noDelete = await runTransfer({ source: at(src), target: at(dst), mode: 'sync', backoff: fast });
    expect(noDelete.deleted).toBe(0);
    expect(dst.files.has('/old.txt')).toBe(true);

    src.extraNames.set('/', ['../evil']);
    // Every file of the target goes: past the default deletion guard, which delete-guard.test.ts covers.
    const all = { maxDelete: { percent: 100 } };
    const withError = await runTransfer({ source: at(src), target: at(dst), mode: 'sync', deleteExtraneous: true, backoff: fast, ...all });
    expect(withError.failed).toBe(1);
    expect(withError.deletesPending).toBe(2);
    expect(dst.files.has('/old.txt')).toBe(true);

    src.extraNames.clear();
    const clean = await runTransfer({ source: at(src), target: at(dst), mode: 'sync', deleteExtraneous: true, backoff: fast, ...all });
    expect(clean).toMatchObject({ deleted: 2, failed: 0 });
    expect([...dst.files.keys()]).toEqual(['/a.txt']);
    expect(dst.dirs.has('/olddir')).toBe(false);
  });

  it('refuses hostile names from a listing and writes nothing for them', async () => {
    const src = new MemoryProvider('src', { listSha1: true });
    const dst = new MemoryProvider('dst');
    src.put('/ok.txt', 'fine');
    src.extraNames.set('/', ['../../.bashrc', 'a\\b', '..', '']);
    const events: RunEvent[] = [];
    const summary = await runTransfer({ source: at(src), target: at(dst), mode: 'copy', backoff: fast, onEvent: (e) => events.push(e) });
    expect(summary.copied).toBe(1);
    expect(summary.failed).toBe(4);
    expect(summary.errors.every((e) => /unsafe name/.test(e.message))).toBe(true);
    expect([...dst.files.keys()]).toEqual(['/ok.txt']);
  });

  it('refuses a destination that overlaps its source', async () => {
    const p = new MemoryProvider('m');
    p.put('/a/f', 'x');
    const run = (from: string, to: string) =>
      runTransfer({ source: at(p, from), target: at(p, to), mode: 'copy' });
    await expect(run('/a', '/a/backup')).rejects.toThrow(/overlap/);
    await expect(run('/a/backup', '/a')).rejects.toThrow(/overlap/);
    await expect(run('/a', '/a')).rejects.toThrow(/overlap/);
    await expect(run('/a', '/ab')).resolves.toMatchObject({ copied: 1 });
  });

  it('dry run plans and changes nothing', async () => {
    const src = new MemoryProvider('src');
    const dst = new MemoryProvider('dst');
    src.put('/new.txt', 'n');
    dst.put('/gone.txt', 'g');
    const s = await runTransfer({ source: at(src), target: at(dst), mode: 'sync', deleteExtraneous: true, dryRun: true });
    expect(s).toMatchObject({ dryRun: true, plannedFiles: 1, deletesPending: 1, copied: 0, deleted: 0 });
    expect([...dst.files.keys()]).toEqual(['/gone.txt']);
  });

  it('applies include and exclude filters, and keeps excluded target files on sync', async () => {
    const src = new MemoryProvider('src');
    const dst = new MemoryProvider('dst');
    src.put('/a.mkv', 'a');
    src.put('/b.tmp', 'b');
    src.put('/cache/c.mkv', 'c');
    dst.put('/d.tmp', 'd');
    const s = await runTransfer({
      source: at(src),
      target: at(dst),
      mode: 'sync',
      deleteExtraneous: true,
      filter: new PathFilter({ exclude: ['*.tmp', 'cache/**'] }),
    });
    expect(s).toMatchObject({ copied: 1, deleted: 0 });
    expect([...dst.files.keys()].sort()).toEqual(['/a.mkv', '/d.tmp']);
  });

  it('retries retryable failures with backoff and fails others at once', async () => {
    const src = new MemoryProvider('src');
    let failures = 2;
    const dst = new MemoryProvider('dst', {
      beforePart: () => {
        if (failures-- > 0) throw new TransientError('flaky');
      },
    });
    src.put('/x', 'x');
    const events: RunEvent[] = [];
    const s = await runTransfer({ source: at(src), target: at(dst), mode: 'copy', backoff: fast, onEvent: (e) => events.push(e) });
    expect(s).toMatchObject({ copied: 1, failed: 0 });
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(2);

    const never = new MemoryProvider('never', {
      beforePart: () => {
        throw new TransientError('down');
      },
    });
    const s2 = await runTransfer({ source: at(src), target: at(never), mode: 'copy', backoff: fast, retries: 2 });
    expect(s2.failed).toBe(1);
    expect(s2.errors[0]?.message).toBe('down');
  });

  it('keeps checkpoints in a journal that a new run resumes from', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-journal-'));
    const path = join(dir, 'j.jsonl');
    const src = new MemoryProvider('src', { listSha1: true });
    const data = Buffer.alloc(5 * 1024, 7);
    src.put('/f', data);
    let crash = true;
    const dst = new MemoryProvider('dst', {
      partSize: 1024,
      beforePart: ({ index }) => {
        if (crash && index === 3) throw new TransientError('killed');
      },
    });
    const j1 = await Journal.open(path);
    const s1 = await runTransfer({ source: at(src), target: at(dst), mode: 'copy', journal: j1, retries: 0 });
    expect(s1.failed).toBe(1);
    await j1.close();
    crash = false;
    const j2 = await Journal.open(path);
    expect(j2.pendingCheckpoints).toBe(1);
    const events: RunEvent[] = [];
    const s2 = await runTransfer({ source: at(src), target: at(dst), mode: 'copy', journal: j2, onEvent: (e) => events.push(e) });
    expect(s2.copied).toBe(1);
    expect(events.find((e) => e.type === 'file')).toMatchObject({ resumedFrom: 3 * 1024 });
    expect(dst.files.get('/f')?.data.equals(data)).toBe(true);
    await j2.discard();
  });
});

describe('listings that fail for a moment', () => {
  it('are listed again, and every child is planned exactly once', async () => {
    const src = new MemoryProvider('src');
    for (let i = 0; i < 10; i++) src.put(`/f${i}`, `file ${i}`);
    const dst = new MemoryProvider('dst');
    let failures = 2;
    const flaky = Object.assign(Object.create(src) as MemoryProvider, {
      async *list(dir: string) {
        let n = 0;
        for await (const e of src.list(dir)) {
          if (n++ === 4 && failures-- > 0) throw new TransientError('connection reset while listing');
          yield e;
        }
      },
    });
    const s = await runTransfer({ source: at(flaky), target: at(dst), mode: 'copy', backoff: fast });
    expect(s).toMatchObject({ copied: 10, failed: 0 });
  });
});
