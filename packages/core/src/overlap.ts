import { can } from './capabilities.js';
import type { Location, LocationIdentity } from './provider.js';

/**
 * Why `source` and `target` overlap, or undefined when they do not. A target inside its source
 * would be walked while it is written, and a source inside its target would be deleted by
 * `sync --delete`; a remote's root, a symlink or a second account name can hide either, so
 * providers say what a location really is. A provider that cannot leaves the typed paths
 * (absolute: "/dir" or "remote:/dir") to compare.
 */
export async function findOverlap(source: Location, target: Location): Promise<string | undefined> {
  const relation =
    can(source.provider, 'identify') && can(target.provider, 'identify')
      ? relate(await source.provider.identify(source.path), await target.provider.identify(target.path))
      : relateText(source.display, target.display);
  if (!relation) return undefined;
  const [how, advice] = RELATIONS[relation];
  return `source ${source.display} and destination ${target.display} overlap (${how}); ${advice}`;
}

type Relation = 'same' | 'target-inside' | 'source-inside';

const RELATIONS: Record<Relation, [how: string, advice: string]> = {
  same: ['they are the same place', 'choose another destination'],
  'target-inside': ['the destination is inside the source', 'choose a destination outside the source'],
  'source-inside': ['the source is inside the destination', 'choose a destination that does not hold the source'],
};

function relate(source: LocationIdentity, target: LocationIdentity): Relation | undefined {
  if (source.store !== target.store) return undefined;
  const a = source.chain;
  const b = target.chain;
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common; i++) if (a[i] !== b[i]) return undefined;
  return a.length === b.length ? 'same' : a.length < b.length ? 'target-inside' : 'source-inside';
}

function relateText(source: string, target: string): Relation | undefined {
  const a = source.replace(/\/+$/, '');
  const b = target.replace(/\/+$/, '');
  if (a === b) return 'same';
  if (b.startsWith(`${a}/`)) return 'target-inside';
  if (a.startsWith(`${b}/`)) return 'source-inside';
  return undefined;
}

/**
 * A name in an id chain (LocationIdentity) for a part of the path that does not exist yet: names
 * never hold "/" and ids never start with it, so a new folder is never taken for an existing one.
 */
export function notYetCreated(name: string): string {
  return `/${name}`;
}
