import { promises as fs } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import { mapFsError } from './errors.js';

/**
 * The names of `path` from the file-system root with every symlink resolved; the part that does
 * not exist yet (a target folder a copy will create) follows as written.
 */
export async function realPathNames(path: string, where: string): Promise<string[]> {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    try {
      const real = await fs.realpath(current);
      return [...real.split(sep).filter((n) => n !== ''), ...missing];
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const parent = dirname(current);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === current) throw mapFsError(err, where);
      missing.unshift(basename(current));
      current = parent;
    }
  }
}
