import { describe, expect, it } from 'vitest';
import { type Action, type Location, plan } from '../src/index.js';
import { MemoryProvider } from '../src/testing/index.js';

/** A memory target that counts the folders it was asked to list. */
class CountingTarget extends MemoryProvider {
  readonly listed: string[] = [];
  override list(dir: string) {
    this.listed.push(dir);
    return super.list(dir);
  }
}

const at = (provider: MemoryProvider, path = '/'): Location => ({ provider, path, display: `${provider.remote}:${path}` });

async function actions(source: Location, target: Location): Promise<Action[]> {
  const out: Action[] = [];
  for await (const a of plan({ source, target, mode: 'sync', deleteExtraneous: true })) out.push(a);
  return out;
}

describe('target listings the plan asks for', () => {
  const src = new MemoryProvider('src');
  for (const p of ['/a/x', '/a/b/y', '/a/b/c/z', '/d/w', '/top']) src.put(p, p);

  it('lists a target folder that does not exist once, not once per folder below it', async () => {
    const dst = new CountingTarget('dst');
    const planned = await actions(at(src), at(dst, '/new'));
    expect(dst.listed).toEqual(['/new']);
    expect(planned.filter((a) => a.kind === 'copy').map((a) => a.rel).sort()).toEqual(['a/b/c/z', 'a/b/y', 'a/x', 'd/w', 'top']);
  });

  it('lists the folders the target has, skipping only the ones its listings lack', async () => {
    const dst = new CountingTarget('dst');
    dst.put('/a/x', '/a/x');
    dst.put('/a/stale', 'gone');
    const planned = await actions(at(src), at(dst));
    expect(dst.listed.sort()).toEqual(['/', '/a']);
    expect(planned.filter((a) => a.kind === 'skip').map((a) => a.rel)).toEqual(['a/x']);
    expect(planned.filter((a) => a.kind === 'delete').map((a) => a.rel)).toEqual(['a/stale']);
    expect(planned.filter((a) => a.kind === 'copy').map((a) => a.rel).sort()).toEqual(['a/b/c/z', 'a/b/y', 'd/w', 'top']);
  });
});
