import { describe, expect, it } from 'vitest';
import { type Location, type RunEvent, runTransfer } from '../src/index.js';
import { MemoryProvider } from '../src/testing/index.js';

const at = (provider: MemoryProvider, path = '/'): Location => ({ provider, path, display: `${provider.remote}:${path}` });
const contents = (p: MemoryProvider) => Object.fromEntries([...p.files].map(([k, v]) => [k, v.data.toString()]));

/** A source folder as 115 can have it: three files named "notes v1.md", listed out of id order. */
function sourceWithSameNames(): MemoryProvider {
  const src = new MemoryProvider('src', { listSha1: true });
  src.put('/docs/a.txt', 'a', 1_000_000);
  src.put('/docs/notes v1.md', 'short', 1_000_000, '30');
  src.putSameName('/docs/notes v1.md', 'eighteen bytes....', '4', 1_000_000);
  src.putSameName('/docs/notes v1.md', 'the third one', '100', 1_000_000);
  return src;
}

describe('planner: files of one name in a source folder', () => {
  it('lands each further one under "name (n).ext" by file id, with a warning and a count, and reruns copy nothing', async () => {
    const src = sourceWithSameNames();
    const dst = new MemoryProvider('dst');
    const events: RunEvent[] = [];
    const first = await runTransfer({ source: at(src), target: at(dst), mode: 'copy', onEvent: (e) => events.push(e) });
    expect(first).toMatchObject({ copied: 4, skipped: 0, failed: 0, renamedDuplicates: 2 });
    expect(contents(dst)).toEqual({
      '/docs/a.txt': 'a',
      '/docs/notes v1.md': 'eighteen bytes....',
      '/docs/notes v1 (2).md': 'short',
      '/docs/notes v1 (3).md': 'the third one',
    });
    expect(events.filter((e) => e.type === 'renamed-duplicate')).toEqual([
      { type: 'renamed-duplicate', rel: 'docs/notes v1 (2).md', from: 'docs/notes v1.md', id: '30' },
      { type: 'renamed-duplicate', rel: 'docs/notes v1 (3).md', from: 'docs/notes v1.md', id: '100' },
    ]);

    const again = await runTransfer({ source: at(src), target: at(dst), mode: 'copy' });
    expect(again).toMatchObject({ copied: 0, skipped: 4, failed: 0, renamedDuplicates: 2 });

    dst.put('/docs/extra.txt', 'not in the source');
    const synced = await runTransfer({ source: at(src), target: at(dst), mode: 'sync', deleteExtraneous: true });
    expect(synced).toMatchObject({ copied: 0, skipped: 4, deleted: 1, failed: 0 });
    expect(Object.keys(contents(dst)).sort()).toEqual(['/docs/a.txt', '/docs/notes v1 (2).md', '/docs/notes v1 (3).md', '/docs/notes v1.md']);
  });

  it('keeps clear of names the source folder itself holds, and maps a changed duplicate to the same name', async () => {
    const src = sourceWithSameNames();
    src.put('/docs/notes v1 (2).md', 'a file of its own');
    const dst = new MemoryProvider('dst');
    expect(await runTransfer({ source: at(src), target: at(dst), mode: 'copy' })).toMatchObject({ copied: 5, renamedDuplicates: 2 });
    expect(contents(dst)).toMatchObject({
      '/docs/notes v1 (2).md': 'a file of its own',
      '/docs/notes v1 (3).md': 'short',
      '/docs/notes v1 (4).md': 'the third one',
    });

    src.putSameName('/docs/notes v1.md', 'the third one, edited', '100', 2_000_000);
    expect(await runTransfer({ source: at(src), target: at(dst), mode: 'copy' })).toMatchObject({ copied: 1, skipped: 4 });
    expect(contents(dst)['/docs/notes v1 (4).md']).toBe('the third one, edited');
  });

  it('dry run lists the renamed copies and changes nothing', async () => {
    const src = sourceWithSameNames();
    const dst = new MemoryProvider('dst');
    const planned: string[] = [];
    const s = await runTransfer({
      source: at(src),
      target: at(dst),
      mode: 'copy',
      dryRun: true,
      onEvent: (e) => e.type === 'planned' && e.action.kind === 'copy' && planned.push(e.action.rel),
    });
    expect(s).toMatchObject({ plannedFiles: 4, renamedDuplicates: 2, copied: 0 });
    expect(planned.sort()).toEqual(['docs/a.txt', 'docs/notes v1 (2).md', 'docs/notes v1 (3).md', 'docs/notes v1.md']);
    expect(dst.files.size).toBe(0);
  });

  it('onto a target that holds same-named files: lands them beside each other, matches them by SHA-1 on a rerun, removes an extra by id', async () => {
    const src = sourceWithSameNames();
    const dst = new MemoryProvider('dst', { listSha1: true, sameNameFiles: true });
    const first = await runTransfer({ source: at(src), target: at(dst), mode: 'sync', deleteExtraneous: true });
    expect(first).toMatchObject({ copied: 4, failed: 0, deleted: 0, renamedDuplicates: 0 });
    const notes = () =>
      [dst.files.get('/docs/notes v1.md'), ...[...dst.sameName.values()].filter((f) => f.path === '/docs/notes v1.md')].map((f) => f!.data.toString()).sort();
    expect(notes()).toEqual(['eighteen bytes....', 'short', 'the third one']);
    expect(dst.files.has('/docs/notes v1 (2).md')).toBe(false);

    const again = await runTransfer({ source: at(src), target: at(dst), mode: 'sync', deleteExtraneous: true });
    expect(again).toMatchObject({ copied: 0, skipped: 4, deleted: 0 });

    dst.putSameName('/docs/notes v1.md', 'only on the target', 'stray');
    const pruned = await runTransfer({ source: at(src), target: at(dst), mode: 'sync', deleteExtraneous: true });
    expect(pruned).toMatchObject({ copied: 0, skipped: 4, deleted: 1, failed: 0 });
    expect(notes()).toEqual(['eighteen bytes....', 'short', 'the third one']);
  });
});
