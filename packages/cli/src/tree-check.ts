import { type Entry, type Location, type PathFilter, type Provider, NotFound, can, errorMessage, joinPath, sha1OfStream } from '@ferry/core';
import { byName } from './tree-walk.js';

export type CheckOutcome = 'match' | 'differ' | 'missing-on-dst' | 'missing-on-src' | 'error';

export interface CheckFinding {
  rel: string;
  outcome: CheckOutcome;
  /** What the files were compared by, or what went wrong. */
  detail?: string;
}

async function listing(provider: Provider, dir: string | undefined): Promise<Map<string, Entry>> {
  const byNameMap = new Map<string, Entry>();
  if (dir === undefined) return byNameMap;
  try {
    // The first of several same-named files (115): the one a path names.
    for await (const e of provider.list(dir)) if (!byNameMap.has(e.name)) byNameMap.set(e.name, e);
  } catch (err) {
    if (!(err instanceof NotFound)) throw err;
  }
  return byNameMap;
}

async function sha1Of(provider: Provider, entry: Entry): Promise<string> {
  if (entry.sha1) return entry.sha1;
  if (can(provider, 'hash')) return provider.hash(entry);
  return sha1OfStream(await provider.openRead(entry));
}

/**
 * By SHA-1 when both listings give one, hashing one side when only the other lists it (local disk
 * against a cloud), else by size alone, as rclone check does without a common hash.
 */
async function compare(src: Location, s: Entry, dst: Location, d: Entry): Promise<'size' | 'sha1' | 'sha1 differs'> {
  if (s.size !== d.size) return 'size';
  if (!s.sha1 && !d.sha1) return 'size';
  const [a, b] = await Promise.all([sha1Of(src.provider, s), sha1Of(dst.provider, d)]);
  return a === b ? 'sha1' : 'sha1 differs';
}

/** Both trees folder by folder, in name order; only one folder pair's listings are held at a time. */
export async function* checkTrees(src: Location, dst: Location, filter: PathFilter, oneWay: boolean): AsyncGenerator<CheckFinding> {
  const stack: { rel: string; srcDir: string | undefined; dstDir: string | undefined }[] = [{ rel: '', srcDir: src.path, dstDir: dst.path }];
  while (stack.length > 0) {
    const { rel, srcDir, dstDir } = stack.pop()!;
    let left: Map<string, Entry>;
    let right: Map<string, Entry>;
    try {
      [left, right] = await Promise.all([listing(src.provider, srcDir), listing(dst.provider, dstDir)]);
    } catch (err) {
      yield { rel: rel || '.', outcome: 'error', detail: errorMessage(err) };
      continue;
    }
    const names = [...new Set([...left.keys(), ...right.keys()])].sort((a, b) => byName({ name: a } as Entry, { name: b } as Entry));
    const subdirs: typeof stack = [];
    for (const name of names) {
      const childRel = rel ? `${rel}/${name}` : name;
      const s = left.get(name);
      const d = right.get(name);
      if (s?.isDir || d?.isDir) {
        if (!filter.includesDir(childRel)) continue;
        if (s && d && s.isDir !== d.isDir) {
          yield { rel: childRel, outcome: 'differ', detail: s.isDir ? 'a folder on src, a file on dst' : 'a file on src, a folder on dst' };
          continue;
        }
        if (!s && oneWay) continue;
        subdirs.push({ rel: childRel, srcDir: s ? joinPath(srcDir!, name) : undefined, dstDir: d ? joinPath(dstDir!, name) : undefined });
        continue;
      }
      if (!filter.includesFile(childRel, s ?? d)) continue;
      if (!d) yield { rel: childRel, outcome: 'missing-on-dst' };
      else if (!s) {
        if (!oneWay) yield { rel: childRel, outcome: 'missing-on-src' };
      } else {
        try {
          const by = await compare(src, s, dst, d);
          yield by === 'sha1 differs' || s.size !== d.size
            ? { rel: childRel, outcome: 'differ', detail: by === 'size' ? 'size differs' : by }
            : { rel: childRel, outcome: 'match', detail: by };
        } catch (err) {
          yield { rel: childRel, outcome: 'error', detail: errorMessage(err) };
        }
      }
    }
    stack.push(...subdirs.reverse());
  }
}
