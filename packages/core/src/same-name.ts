import type { Entry } from './entry.js';

/**
 * A source folder's files of one name in a fixed order: by the source's id (115's ids are decimal
 * numbers beyond 2^53, compared as such), so every run gives each of them the same place.
 */
export function byId(files: readonly Entry[]): Entry[] {
  return [...files].sort((a, b) => compareIds(a.id, b.id));
}

function compareIds(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const [x, y] = [BigInt(a), BigInt(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : 1;
}

/**
 * "notes v1.md" -> "notes v1 (2).md": the name the second file of that name gets on a target that
 * cannot hold two, the first of "(2)", "(3)"... not in `reserved`. Only the source folder's names
 * are reserved, never the target's, so a rerun maps each file to the same name again.
 */
export function sameNameCopy(name: string, reserved: Set<string>): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 2; ; n++) {
    const candidate = `${stem} (${n})${ext}`;
    if (!reserved.has(candidate)) {
      reserved.add(candidate);
      return candidate;
    }
  }
}
