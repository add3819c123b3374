import { can } from './capabilities.js';
import type { Entry } from './entry.js';
import { BadInput, IntegrityError } from './errors.js';
import type { Provider } from './provider.js';

export interface MovedFile {
  source: Provider;
  src: Entry;
  target: Provider;
  dstPath: string;
  /** The SHA-1 of the bytes that landed, when the copy hashed them or a rapid upload proved it. */
  sha1?: string;
  /** The target's entry, when the planner already listed it (a file the target held before). */
  dst?: Entry;
}

/**
 * The second half of a move: the source file goes only once the target lists a file of its size
 * and, where both sides know a SHA-1, of its SHA-1. A copy that does not check out keeps the source.
 */
export async function removeMovedSource(m: MovedFile): Promise<void> {
  const { source, src, target, dstPath } = m;
  if (!can(source, 'remove')) throw new BadInput(`remote '${source.remote}' (${source.type}) cannot delete files, so it cannot be moved from`);
  const landed = m.dst ?? (await target.stat(dstPath));
  const where = `${target.remote}:${dstPath}`;
  if (landed.isDir || landed.size !== src.size) {
    throw new IntegrityError(`${where}: the target holds ${landed.isDir ? 'a folder' : `${landed.size} bytes`} where ${src.size} were copied; the source was kept`);
  }
  const srcSha1 = src.sha1 ?? m.sha1;
  if (srcSha1 && landed.sha1 && srcSha1 !== landed.sha1) {
    throw new IntegrityError(`${where}: the target's SHA-1 ${landed.sha1} differs from the source's ${srcSha1}; the source was kept`);
  }
  await source.remove(src.path, src.id);
}
