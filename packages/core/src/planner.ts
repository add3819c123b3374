import type { Entry } from './entry.js';
import { FerryError, NotFound, BadInput, errorMessage } from './errors.js';
import { type CompareMode, sameByListing } from './compare.js';
import { PathFilter } from './filter.js';
import { listWithRetry } from './listing.js';
import { findOverlap } from './overlap.js';
import type { BackoffPolicy } from './backoff.js';
import { checkName, isPartialName, joinPath, parentPath } from './names.js';
import type { Location, Provider } from './provider.js';

export type TransferMode = 'copy' | 'sync';

/**
 * What to do when the target holds a different file under the same name: replace it, keep it and
 * skip the source file (rclone's --ignore-existing), or copy beside it as "name(1).ext".
 */
export type ConflictPolicy = 'overwrite' | 'skip' | 'rename';

export type Action =
  /** `src` is a folder only when the target imports it whole (see ServerImport). */
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
  onConflict?: ConflictPolicy;
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
  const overlap = await findOverlap(source, target);
  if (overlap) throw new BadInput(overlap);
  const filter = options.filter ?? new PathFilter();
  const rules: DecideRules = {
    source: source.provider,
    target: target.provider,
    compare: options.compare ?? 'default',
    onConflict: options.onConflict ?? 'overwrite',
    importsFolders: !!target.provider.serverImport?.canImportFrom(source.provider),
  };
  const root = await source.provider.stat(source.path);

  if (!root.isDir) {
    // A single file goes into the target folder, or replaces the target when that is a file.
    const existing = await statOrUndefined(target.provider, target.path);
    const dstPath = existing && !existing.isDir ? target.path : joinPath(target.path, root.name);
    const dst = dstPath === target.path ? existing : await statOrUndefined(target.provider, dstPath);
    yield* decide(root.name, root, dstPath, dst, rules, new Set(dst ? [dst.name] : []));
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

    // Every name the target folder holds, plus names this run gives to renamed copies.
    const taken = new Set(dstEntries.keys());
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
          // A folder the target lacks goes over whole when the target's service can fetch it
          // itself; filters apply file by file, so any filter means walking it.
          if (!dst && rules.importsFolders && filter.isEmpty) {
            yield { kind: 'copy', rel: childRel, src: e, dstPath: joinPath(dstDir, e.name) };
            continue;
          }
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
        yield* decide(childRel, e, joinPath(dstDir, e.name), dst, rules, taken);
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

interface DecideRules {
  source: Provider;
  target: Provider;
  compare: CompareMode;
  onConflict: ConflictPolicy;
  importsFolders: boolean;
}

async function* decide(
  rel: string,
  src: Entry,
  dstPath: string,
  dst: Entry | undefined,
  rules: DecideRules,
  taken: Set<string>,
): AsyncGenerator<Action> {
  if (!dst) {
    yield { kind: 'copy', rel, src, dstPath };
    return;
  }
  if (rules.onConflict === 'skip') {
    yield { kind: 'skip', rel, src, dst };
    return;
  }
  try {
    let same = sameByListing(src, dst, rules.compare);
    if (same === 'need-hash') same = await sameByHash(src, dst, rules.source, rules.target);
    if (same) {
      yield { kind: 'skip', rel, src, dst };
    } else if (rules.onConflict === 'rename') {
      const name = freeName(dst.name, taken);
      taken.add(name);
      yield { kind: 'copy', rel, src, dstPath: joinPath(parentPath(dstPath), name) };
    } else {
      yield { kind: 'copy', rel, src, dstPath, dst };
    }
  } catch (err) {
    yield { kind: 'error', rel, error: asError(err) };
  }
}

/** "film.mkv" -> "film(1).mkv", the first such name the folder does not hold (as Aliyun names them). */
export function freeName(name: string, taken: ReadonlySet<string>): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 1; ; n++) {
    const candidate = `${stem}(${n})${ext}`;
    if (!taken.has(candidate)) return candidate;
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
