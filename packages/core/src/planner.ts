import { can, importsFrom } from './capabilities.js';
import type { Entry } from './entry.js';
import { FerryError, NotFound, BadInput, errorMessage } from './errors.js';
import { type CompareMode, sameByListing } from './compare.js';
import { PathFilter } from './filter.js';
import { countFilesBelow, listWithRetry } from './listing.js';
import { findOverlap } from './overlap.js';
import type { BackoffPolicy } from './backoff.js';
import { checkName, isPartialName, joinPath, parentPath } from './names.js';
import { byId, sameNameCopy } from './same-name.js';
import type { ConflictPolicy, Location, Provider } from './provider.js';

export type TransferMode = 'copy' | 'sync';

/**
 * `renamedFrom` is set on a file whose source folder holds other files of its name while the
 * target cannot: `rel` is then the distinct name it lands under and `renamedFrom` its own path.
 */
export type Action =
  /**
   * `src` is a folder only when the target imports it whole (see ServerImport). `besideSameName`:
   * land next to the target's files of this name (the source's other files of that name).
   */
  | { kind: 'copy'; rel: string; src: Entry; dstPath: string; dst?: Entry; renamedFrom?: string; besideSameName?: boolean }
  | { kind: 'skip'; rel: string; src: Entry; dst: Entry; renamedFrom?: string }
  /** `files`: how many files it removes (1 for a file, every file below for a folder). */
  | { kind: 'delete'; rel: string; dst: Entry; files: number }
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
  /** The source is one file and `target.path` its exact new path, not the folder it goes into (copyto). */
  exactTarget?: boolean;
}

/**
 * Walks the source lazily, folder by folder, and compares each folder with its counterpart on the
 * target, yielding what to do. Only one folder's listings (its files on the source, everything on
 * the target) are held at a time. No source file goes unplanned: a folder's further files of one
 * name land beside the first on a target that holds such files, else under "name (2).ext"...
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
    importsFolders: importsFrom(target.provider, source.provider),
  };
  const root = await source.provider.stat(source.path);

  if (options.exactTarget) {
    if (root.isDir) throw new BadInput(`${source.display} is a folder; give a file (or copy the folder with copy/move)`);
    const existing = await statOrUndefined(target.provider, target.path);
    if (existing?.isDir) throw new BadInput(`${target.display} is a folder; give the file's new path, name included`);
    yield* decide(root.name, root, target.path, existing, rules, new Set(existing ? [existing.name] : []));
    return;
  }

  if (!root.isDir) {
    // A single file goes into the target folder, or replaces the target when that is a file.
    const existing = await statOrUndefined(target.provider, target.path);
    const dstPath = existing && !existing.isDir ? target.path : joinPath(target.path, root.name);
    const dst = dstPath === target.path ? existing : await statOrUndefined(target.provider, dstPath);
    yield* decide(root.name, root, dstPath, dst, rules, new Set(dst ? [dst.name] : []));
    return;
  }

  /**
   * `dstMissing`: the target folder's parent listing did not hold it, so it is not listed: a copy
   * into a new folder asks the target for one listing, not one per folder below (as rclone does).
   */
  const stack: { rel: string; srcDir: string; dstDir: string; dstMissing?: boolean }[] = [{ rel: '', srcDir: source.path, dstDir: target.path }];
  while (stack.length > 0) {
    const { rel, srcDir, dstDir, dstMissing } = stack.pop()!;
    const relOf = (name: string) => (rel ? `${rel}/${name}` : name);
    // Several entries under one name only where the target holds same-named files (115).
    const dstEntries = new Map<string, Entry[]>();
    try {
      if (!dstMissing) {
        for await (const e of listWithRetry(target.provider, dstDir, options.retries, options.backoff)) {
          if (!isPartialName(e.name)) dstEntries.set(e.name, [...(dstEntries.get(e.name) ?? []), e]);
        }
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
    // The folder's files by name, placed once the listing is complete: only then are all the
    // files of one name known (a 115 folder can hold several).
    const files = new Map<string, { src: Entry[]; dst: Entry[] }>();
    const dirNames = new Set<string>();
    try {
      for await (const e of listWithRetry(source.provider, srcDir, options.retries, options.backoff)) {
        if (isPartialName(e.name)) continue;
        const childRel = relOf(e.name);
        try {
          checkName(e.name, `${source.display} (${srcDir})`);
        } catch (err) {
          yield { kind: 'error', rel: childRel, error: asError(err) };
          continue;
        }
        const dst = dstEntries.get(e.name)?.[0];
        if (e.isDir) {
          if (!filter.includesDir(childRel)) {
            dstEntries.delete(e.name);
            continue;
          }
          if (dirNames.has(e.name)) {
            // A folder is walked by its path, which names only the first of them.
            yield { kind: 'error', rel: childRel, error: new BadInput(`${source.display}: '${childRel}' names two folders; only the first is copied (rename one on the source to copy both)`) };
            continue;
          }
          dirNames.add(e.name);
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
          subdirs.push({ rel: childRel, srcDir: joinPath(srcDir, e.name), dstDir: joinPath(dstDir, e.name), dstMissing: !dst });
          continue;
        }
        const known = files.get(e.name);
        if (known) {
          known.src.push(e);
          continue;
        }
        if (!filter.includesFile(childRel, e)) {
          dstEntries.delete(e.name);
          continue;
        }
        files.set(e.name, { src: [e], dst: dstEntries.get(e.name) ?? [] });
        dstEntries.delete(e.name);
      }
    } catch (err) {
      yield { kind: 'error', rel: rel || '.', error: asError(err) };
      continue;
    }

    const reserved = new Set([...dirNames, ...files.keys()]);
    for (const [name, group] of files) {
      const childRel = relOf(name);
      if (group.dst.some((d) => d.isDir)) {
        yield { kind: 'error', rel: childRel, error: new BadInput(`${target.display}: '${childRel}' is a folder on the target but a file on the source`) };
        continue;
      }
      const dstPath = joinPath(dstDir, name);
      if (group.src.length === 1) {
        yield* decide(childRel, group.src[0]!, dstPath, group.dst[0], rules, taken);
        continue;
      }
      const ordered = byId(group.src);
      if (target.provider.capabilities.sameNameFiles) {
        const left = yield* besideEachOther(childRel, ordered, dstPath, group.dst, rules);
        if (left.length > 0) dstEntries.set(name, left);
        continue;
      }
      yield* decide(childRel, ordered[0]!, dstPath, group.dst[0], rules, taken);
      for (const src of ordered.slice(1)) {
        const alias = sameNameCopy(name, reserved);
        taken.add(alias);
        const there = dstEntries.get(alias) ?? [];
        dstEntries.delete(alias);
        if (there.some((d) => d.isDir)) {
          yield { kind: 'error', rel: relOf(alias), error: new BadInput(`${target.display}: '${relOf(alias)}' is a folder; a second '${childRel}' of the source would land there`) };
          continue;
        }
        yield* decide(relOf(alias), src, joinPath(dstDir, alias), there[0], rules, taken, childRel);
      }
    }

    if (options.mode === 'sync' && options.deleteExtraneous) {
      for (const [name, entries] of dstEntries) {
        const childRel = relOf(name);
        for (const dst of entries) {
          const kept = dst.isDir ? !filter.includesDir(childRel) : !filter.includesFile(childRel, dst);
          if (kept) continue;
          if (!dst.isDir) {
            yield { kind: 'delete', rel: childRel, dst, files: 1 };
            continue;
          }
          // The deletion guard weighs files, and one folder can hold most of the destination.
          try {
            yield { kind: 'delete', rel: childRel, dst, files: await countFilesBelow(target.provider, dst.path, options.retries, options.backoff) };
          } catch (err) {
            yield { kind: 'error', rel: childRel, error: asError(err) };
          }
        }
      }
    }
    // Depth-first in listing order: reversed so the first folder listed is walked first.
    stack.push(...subdirs.reverse());
  }
}

/**
 * A source folder's files of one name onto a target that holds same-named files too: each is
 * matched to one of the target's files of that name by content, so a rerun copies none of them
 * again; one without a match lands beside the others. Returns the target's files left unmatched.
 * Every file but the first is known by "name [2]", "name [3]"... for journals and job ids.
 */
async function* besideEachOther(
  rel: string,
  files: Entry[],
  dstPath: string,
  there: Entry[],
  rules: DecideRules,
): AsyncGenerator<Action, Entry[]> {
  const unmatched = [...there];
  for (const [i, src] of files.entries()) {
    const fileRel = i === 0 ? rel : `${rel} [${i + 1}]`;
    try {
      let match = -1;
      for (let j = 0; j < unmatched.length && match < 0; j++) {
        if (await sameFile(src, unmatched[j]!, rules)) match = j;
      }
      if (match >= 0) yield { kind: 'skip', rel: fileRel, src, dst: unmatched.splice(match, 1)[0]! };
      else yield { kind: 'copy', rel: fileRel, src, dstPath, besideSameName: true };
    } catch (err) {
      yield { kind: 'error', rel: fileRel, error: asError(err) };
    }
  }
  return unmatched;
}

interface DecideRules {
  source: Provider;
  target: Provider;
  compare: CompareMode;
  onConflict: ConflictPolicy;
  importsFolders: boolean;
}

/** `renamedFrom`: the file's own path when `rel` is the other name it gets (see sameNameCopy). */
async function* decide(
  rel: string,
  src: Entry,
  dstPath: string,
  dst: Entry | undefined,
  rules: DecideRules,
  taken: Set<string>,
  renamedFrom?: string,
): AsyncGenerator<Action> {
  const renamed = renamedFrom === undefined ? {} : { renamedFrom };
  if (!dst) {
    yield { kind: 'copy', rel, src, dstPath, ...renamed };
    return;
  }
  if (rules.onConflict === 'skip') {
    yield { kind: 'skip', rel, src, dst, ...renamed };
    return;
  }
  try {
    if (await sameFile(src, dst, rules)) {
      yield { kind: 'skip', rel, src, dst, ...renamed };
    } else if (rules.onConflict === 'rename') {
      const name = freeName(dst.name, taken);
      taken.add(name);
      yield { kind: 'copy', rel, src, dstPath: joinPath(parentPath(dstPath), name), ...renamed };
    } else {
      yield { kind: 'copy', rel, src, dstPath, dst, ...renamed };
    }
  } catch (err) {
    yield { kind: 'error', rel, error: asError(err) };
  }
}

/** "film.mkv" -> "film(1).mkv", the first such name the folder does not hold (as Aliyun names them). */
function freeName(name: string, taken: ReadonlySet<string>): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 1; ; n++) {
    const candidate = `${stem}(${n})${ext}`;
    if (!taken.has(candidate)) return candidate;
  }
}

async function sameFile(src: Entry, dst: Entry, rules: DecideRules): Promise<boolean> {
  const same = sameByListing(src, dst, rules.compare);
  return same === 'need-hash' ? sameByHash(src, dst, rules.source, rules.target) : same;
}

async function sameByHash(src: Entry, dst: Entry, source: Provider, target: Provider): Promise<boolean> {
  const srcHash = src.sha1 ?? (can(source, 'hash') ? await source.hash(src) : undefined);
  const dstHash = dst.sha1 ?? (can(target, 'hash') ? await target.hash(dst) : undefined);
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
