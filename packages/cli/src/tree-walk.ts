import { type Entry, type Provider, joinPath } from '@ferry/core';

/** By code unit, so the order is the same in every locale. */
export function byName(a: Entry, b: Entry): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * A folder's entries with their paths relative to `rel`, each folder sorted by name (services list
 * in their own order: 115 by upload time, folders first), depth-first when `recursive`.
 */
export async function* walkSorted(provider: Provider, dir: string, rel: string, recursive: boolean): AsyncGenerator<[Entry, string]> {
  const entries: Entry[] = [];
  for await (const e of provider.list(dir)) entries.push(e);
  for (const e of entries.sort(byName)) {
    const childRel = rel ? `${rel}/${e.name}` : e.name;
    yield [e, childRel];
    if (recursive && e.isDir) yield* walkSorted(provider, joinPath(dir, e.name), childRel, true);
  }
}
