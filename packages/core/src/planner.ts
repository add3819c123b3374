import type { Entry } from './entry.js';
import { FerryError, NotFound, BadInput, errorMessage } from './errors.js';
import { type CompareMode, sameByListing } from './compare.js';
import { PathFilter } from './filter.js';
import { listWithRetry } from './listing.js';
import type { BackoffPolicy } from './backoff.js';
import { checkName, isPartialName, joinPath } from './names.js';
import type { Location, Provider } from './provider.js';

export type TransferMode = 'copy' | 'sync';

export type Action =
  | { kind: 'copy'; rel: string; src: Entry; dstPath: string; dst?: Entry }
  | { kind: 'skip'; rel: string; src: Entry; dst: Entry }
  | { kind: 'delete'; rel: string; dst: Entry }
  | { kind: 'error'; rel: string; error: FerryError | Error };

export interface PlanOptions {
  source: Location;
  target: Location;
  mode: TransferMode;
  /** Whether `sync` should plan deletions of files the source does not have. */
  deleteExtraneous?: boolean;
  filter?: PathFilter;
  compare?: CompareMode;
  /** Extra attempts for a folder listing that fails with a temporary error. */
  retries?: number;
  backoff?: BackoffPolicy;
}

/**
 * Walks the source lazily, folder by folder, and compares each folder with its counterpart on the
 * target, yielding what to do. Only one target folder listing is held at a time.
 */
export async function* plan(options: PlanOptions): AsyncGenerator<Action> {
  const { source, target } = options;
  assertNoOverlap(source, target);
  const filter = options.filter ?? new PathFilter();
  const compare = options.compare ?? 'default';
  const root = await source.provider.stat(source.path);

  if (!root.isDir) {
    // A single file goes into the target folder, or replaces the target when that is a file.
    const existing = await statOrUndefined(target.provider, target.path);
    const dstPath = existing && !existing.isDir ? target.path : joinPath(target.path, root.name);
    const dst = dstPath === target.path ? existing : await statOrUndefined(target.provider, dstPath);
    yield* decide(root.name, root, dstPath, dst, target.provider, source.provider, compare);
    return;
  }

  const stack: { rel: string; srcDir: string; dstDir: string }[] = [{ rel: '', srcDir: source.path, dstDir: target.path }];
  while (stack.length > 0) {
    const { rel, srcDir, dstDir } = stack.pop()!;
    const dstEntries = new Map<string, Entry>();
    try {
      for await (const e of listWithRetry(target.provider, dstDir, options.retries, options.backoff)) {
        if (!isPartialName(e.name)) dstEntries.set(e.name, e);
      }
    } catch (err) {
      if (!(err instanceof NotFound)) {
        yield { kind: 'error', rel: rel || '.', error: asError(err) };
        continue;
      }
    }

    const subdirs: typeof stack = [];
    try {
      for await (const e of listWithRetry(source.provider, srcDir, options.retries, options.backoff)) {
        if (isPartialName(e.name)) continue;
        const childRel = rel ? `${rel}/${e.name}` : e.name;
        try {
          checkName(e.name, `${source.display} (${srcDir})`);
        } catch (err) {
          yield { kind: 'error', rel: childRel, error: asError(err) };
          continue;
        }
        const dst = dstEntries.get(e.name);
        if (e.isDir) {
          if (!filter.includesDir(childRel)) {
            dstEntries.delete(e.name);
            continue;
          }
          if (dst && !dst.isDir) {
            yield { kind: 'error', rel: childRel, error: new BadInput(`${target.display}: '${childRel}' is a file on the target but a folder on the source`) };
            dstEntries.delete(e.name);
            continue;
          }
          dstEntries.delete(e.name);
          subdirs.push({ rel: childRel, srcDir: joinPath(srcDir, e.name), dstDir: joinPath(dstDir, e.name) });
          continue;
        }
        if (!filter.includesFile(childRel)) {
          dstEntries.delete(e.name);
          continue;
        }
        dstEntries.delete(e.name);
        if (dst?.isDir) {
          yield { kind: 'error', rel: childRel, error: new BadInput(`${target.display}: '${childRel}' is a folder on the target but a file on the source`) };
          continue;
        }
        yield* decide(childRel, e, joinPath(dstDir, e.name), dst, target.provider, source.provider, compare);
      }
    } catch (err) {
      yield { kind: 'error', rel: rel || '.', error: asError(err) };
      continue;
    }

    if (options.mode === 'sync' && options.deleteExtraneous) {
      for (const [name, dst] of dstEntries) {
        const childRel = rel ? `${rel}/${name}` : name;
        const kept = dst.isDir ? !filter.includesDir(childRel) : !filter.includesFile(childRel);
        if (!kept) yield { kind: 'delete', rel: childRel, dst };
      }
    }
    // Depth-first in listing order: reversed so the first folder listed is walked first.
    stack.push(...subdirs.reverse());
  }
}

async function* decide(
  rel: string,
  src: Entry,
  dstPath: string,
  dst: Entry | undefined,
  target: Provider,
  source: Provider,
  compare: CompareMode,
): AsyncGenerator<Action> {
  if (!dst) {
    yield { kind: 'copy', rel, src, dstPath };
    return;
  }
  try {
    let same = sameByListing(src, dst, compare);
    if (same === 'need-hash') same = await sameByHash(src, dst, source, target);
    yield same ? { kind: 'skip', rel, src, dst } : { kind: 'copy', rel, src, dstPath, dst };
  } catch (err) {
    yield { kind: 'error', rel, error: asError(err) };
  }
}

async function sameByHash(src: Entry, dst: Entry, source: Provider, target: Provider): Promise<boolean> {
  const srcHash = src.sha1 ?? (source.hash ? await source.hash(src) : undefined);
  const dstHash = dst.sha1 ?? (target.hash ? await target.hash(dst) : undefined);
  if (srcHash && dstHash) {
    src.sha1 = srcHash;
    return srcHash === dstHash;
  }
  // No hash to be had: different times mean a changed file; with no times at all, equal sizes
  // are all there is to go on.
  return src.mtime === undefined || dst.mtime === undefined;
}

/**
 * A target inside its own source would be walked while it is written (and a source inside its
 * target would be deleted by sync --delete). Displays are absolute ("/dir" or "remote:/dir").
 */
function assertNoOverlap(source: Location, target: Location): void {
  const a = source.display.replace(/\/+$/, '');
  const b = target.display.replace(/\/+$/, '');
  if (a === b || b.startsWith(`${a}/`) || a.startsWith(`${b}/`)) {
    throw new BadInput(`source ${source.display} and destination ${target.display} overlap; choose a destination outside the source`);
  }
}

async function statOrUndefined(provider: Provider, path: string): Promise<Entry | undefined> {
  try {
    return await provider.stat(path);
  } catch (err) {
    if (err instanceof NotFound) return undefined;
    throw err;
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(errorMessage(err));
}
