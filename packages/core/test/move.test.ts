import { describe, expect, it } from 'vitest';
import { type Location, runTransfer } from '../src/index.js';
import { MemoryProvider } from '../src/testing/index.js';

const at = (provider: MemoryProvider, path = '/'): Location => ({ provider, path, display: `${provider.remote}:${path}` });

describe('move (runTransfer with removeSource)', () => {
  it('removes each source file once the target lists it, copied or already there', async () => {
    const src = new MemoryProvider('src', { listSha1: true });
    const dst = new MemoryProvider('dst', { listSha1: true });
    src.put('/a/one.txt', 'one');
    src.put('/two.txt', 'two');
    dst.put('/two.txt', 'two');
    const s = await runTransfer({ source: at(src), target: at(dst), mode: 'copy', removeSource: true });
    expect(s).toMatchObject({ copied: 1, skipped: 1, deleted: 2, failed: 0 });
    expect([...src.files.keys()]).toEqual([]);
    expect(dst.files.get('/a/one.txt')?.data.toString()).toBe('one');
  });

  it('keeps the source file when the target lists another SHA-1 for the copy', async () => {
    const src = new MemoryProvider('src', { listSha1: true });
    const dst = new MemoryProvider('dst', { listSha1: true });
    src.put('/kept.txt', 'precious');
    src.put('/moved.txt', 'fine');
    dst.fakeSha1.set('/kept.txt', '0'.repeat(40));
    const s = await runTransfer({ source: at(src), target: at(dst), mode: 'copy', removeSource: true });
    expect(s).toMatchObject({ deleted: 1, failed: 1 });
    expect(s.errors[0]?.message).toContain('the source was kept');
    expect([...src.files.keys()]).toEqual(['/kept.txt']);
  });

  it('with --on-conflict skip, leaves the source file whose name the target holds, even at the same size', async () => {
    const src = new MemoryProvider('src');
    const dst = new MemoryProvider('dst');
    src.put('/same-size.txt', 'mine', 1_000_000);
    dst.put('/same-size.txt', 'them', 1_000_000);
    src.put('/new.txt', 'new');
    const s = await runTransfer({ source: at(src), target: at(dst), mode: 'copy', removeSource: true, onConflict: 'skip' });
    expect(s).toMatchObject({ copied: 1, skipped: 1, deleted: 1, failed: 0 });
    expect([...src.files.keys()]).toEqual(['/same-size.txt']);
  });

  it('deletes nothing on a dry run', async () => {
    const src = new MemoryProvider('src');
    const dst = new MemoryProvider('dst');
    src.put('/x.txt', 'x');
    const s = await runTransfer({ source: at(src), target: at(dst), mode: 'copy', removeSource: true, dryRun: true });
    expect(s).toMatchObject({ plannedFiles: 1, deleted: 0 });
    expect(src.files.has('/x.txt')).toBe(true);
  });
});
